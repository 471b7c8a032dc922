"""satchel-dask: run `satchel.submit` steps on a `dask.distributed` cluster."""

from satchel_dask.executor import DaskExecutor

__all__ = ["DaskExecutor"]
