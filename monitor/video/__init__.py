"""Video supervision of service windows: capture → analysis → signals → rules → events (→ alerts).

Stages live in their own modules; `pipeline` joins analysis, signals and rules for one camera and
`worker` runs many cameras in one process. What the rules decide is persisted by the commands the
worker runs (monitor.commands.video_events); cameras are registered by monitor.commands.cameras.
"""

from .config import CameraConfig, CameraConfigSchema, load_camera_config
from .pipeline import CameraPipeline
from .rules import EventChange, Lifecycle

__all__ = ["CameraConfig", "CameraConfigSchema", "CameraPipeline", "EventChange", "Lifecycle",
           "load_camera_config"]
