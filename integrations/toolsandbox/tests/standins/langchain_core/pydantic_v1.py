"""Stand-in: upstream's tool-schema conversion names this base class; the loader never builds tool schemas."""


class BaseModel:
    pass
