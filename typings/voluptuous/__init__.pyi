# Type stub: at run time Home Assistant aliases ``voluptuous`` to probatio
# (``probatio.compat.install_as_voluptuous``), so check against probatio's types.
import typing

from probatio import (
    All as All,
    Any as Any,
    Coerce as Coerce,
    In as In,
    Invalid as Invalid,
    MultipleInvalid as MultipleInvalid,
    Optional as Optional,
    Range as Range,
    Required as Required,
    Schema as Schema,
)

def __getattr__(name: str) -> typing.Any: ...
