"""Video supervision of service windows: capture → analysis → signals → rules → events (→ alerts).

Stages live in their own modules; `pipeline` joins analysis, signals and rules for one camera,
`worker` runs many cameras in one process and `events` persists what the rules decide.
"""

from .config import CameraConfig, CameraConfigSchema, load_camera_config
from .pipeline import CameraPipeline
from .rules import EventChange, Lifecycle

__all__ = ["CameraConfig", "CameraConfigSchema", "CameraPipeline", "EventChange", "Lifecycle",
           "load_camera_config"]
