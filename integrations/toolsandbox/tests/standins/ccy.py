"""Stand-in for ccy: the ISO 4217 codes the tests use."""
_CODES = {"USD", "EUR", "GBP", "JPY", "CAD", "CHF", "AUD", "CNY", "INR", "MXN"}


def currency(code):  # noqa: ANN001, ANN201
    return object() if str(code).upper() in _CODES else None
