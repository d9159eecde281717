"""Stand-in for the OpenAI SDK types upstream's message conversion imports."""
from dataclasses import dataclass


@dataclass
class Function:
    name: str
    arguments: str


@dataclass
class ChatCompletionMessageToolCall:
    id: str
    function: Function
    type: str = "function"
