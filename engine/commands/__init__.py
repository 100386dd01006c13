"""Every state change the engine offers, as a command run by the executor."""

from .executor import Actor, Command, CommandContext, CommandExecutor
from .instances import RetryInstanceCommand, StartInstanceCommand
from .org import CreateDepartmentCommand, CreateUserCommand
from .tasks import ClaimTaskCommand, CompleteTaskCommand

__all__ = [
    "Actor",
    "ClaimTaskCommand",
    "Command",
    "CommandContext",
    "CommandExecutor",
    "CompleteTaskCommand",
    "CreateDepartmentCommand",
    "CreateUserCommand",
    "RetryInstanceCommand",
    "StartInstanceCommand",
]
