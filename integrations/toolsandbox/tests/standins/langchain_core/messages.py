"""Stand-in: the message classes upstream's message conversion names (the loader never converts messages)."""


class BaseMessage:
    def __init__(self, content="", **kwargs):  # noqa: ANN001, ANN003
        self.content = content
        self.__dict__.update(kwargs)


class AIMessage(BaseMessage): ...


class HumanMessage(BaseMessage): ...


class ToolMessage(BaseMessage): ...
