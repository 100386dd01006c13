"""Every state change the engine offers, as a command run by the executor."""

from ..command_context import Actor, Command, CommandContext
from .executor import CommandExecutor
from .extensions import DecideExtensionCommand, ExtensionPolicy, RequestExtensionCommand
from .instances import RetryInstanceCommand, StartInstanceCommand
from .org import (
    CreateDepartmentCommand,
    CreateUserCommand,
    RenameDepartmentCommand,
    ResetPasswordCommand,
    UpdateUserCommand,
)
from .pauses import PauseInstanceCommand, PauseTaskCommand, ResumeInstanceCommand, ResumeTaskCommand
from .shortfalls import MarkMissedShortfallCommand, MarkShortfallSuppliedCommand
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
    "RenameDepartmentCommand",
    "ResetPasswordCommand",
    "UpdateUserCommand",
    "DecideExtensionCommand",
    "ExtensionPolicy",
    "MarkMissedShortfallCommand",
    "MarkShortfallSuppliedCommand",
    "PauseInstanceCommand",
    "PauseTaskCommand",
    "RequestExtensionCommand",
    "ResumeInstanceCommand",
    "ResumeTaskCommand",
    "RetryInstanceCommand",
    "StartInstanceCommand",
]
