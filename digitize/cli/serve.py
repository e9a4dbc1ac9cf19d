"""`digitize serve`: the review station (web pages and JSON API) on a store."""
from __future__ import annotations

import getpass
import ipaddress
from pathlib import Path

import typer

from digitize.cli import common as c
from digitize.errors import MissingDependency, UsageError
from digitize.settings import acting_user


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _tls(cert: Path | None, key: Path | None) -> dict:
    """uvicorn's TLS options, after checking both files are given and readable."""
    if cert is None and key is None:
        return {}
    if cert is None or key is None:
        raise UsageError("--tls-cert/--tls-key", "TLS needs both the certificate and its private key")
    for path in (cert, key):
        if not path.is_file():
            raise UsageError(str(path), "no such file")
    return {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}


@c.processing_command
def serve(
    store: str = c.StoreOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    four_eyes: bool = typer.Option(True, "--four-eyes/--no-four-eyes",
                                   help="The signer of a record may not be who approved or changed it; "
                                   "--no-four-eyes for an office of one (recorded in the audit log)"),
    tls_cert: Path = typer.Option(None, "--tls-cert", help="PEM certificate (chain) to serve HTTPS with"),
    tls_key: Path = typer.Option(None, "--tls-key", help="PEM private key of --tls-cert (unencrypted, mode 0600)"),
    session_idle: float = typer.Option(8 * 3600, "--session-idle", min=1,
                                       help="Seconds without a request before a session ends"),
    session_max: float = typer.Option(12 * 3600, "--session-max", min=1,
                                      help="Seconds after log-in before a session ends in any case"),
    max_upload: int = typer.Option(200, "--max-upload", min=1, help="Largest upload accepted, in MiB (413 above)"),
    max_files: int = typer.Option(20, "--max-files", min=1, help="Most files in one upload (413 above)"),
    max_queue: int = typer.Option(200, "--max-queue", min=1, help="Most uploads waiting to be processed (503 above)"),
    opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR,
) -> None:
    """Serve the review station: staff check and correct fields, signers sign (opened once here)."""
    try:  # the web stack is loaded only by this command, so other commands start fast
        import uvicorn

        from digitize.web.app import Station, create_app
        from digitize.web.auth import Lifetimes
    except ModuleNotFoundError as e:
        raise MissingDependency(e.name or "web", "the review station needs the web extra "
                                "(pip install 'digitize[web]')") from None
    tls = _tls(tls_cert, tls_key)
    ctx = c.open_run(opts, store)  # the signer opens here: PIN or key password from env or prompt, never HTTP
    the_store = ctx.store
    from digitize.web.uploads import MIB, UploadLimits

    if not four_eyes:  # an office of one: the audit log says from when and who started it so
        the_store.log("four_eyes_off", None, acting_user() or f"cli:{getpass.getuser()}", scope="serve")
        c.stderr.print("four eyes off: one person may approve and sign a record (recorded in the audit log)",
                       highlight=False)
    app = create_app(Station(str(store or the_store.root), ctx.settings, ctx.profiles, ctx.signing, four_eyes,
                             lifetimes=Lifetimes(session_idle, session_max), jobs=ctx.jobs,
                             upload_limits=UploadLimits(max_upload * MIB, max_files), max_queue=max_queue))
    if not tls and not _loopback(host):
        c.stderr.print(f"warning: listening on {host} without TLS: passwords and records cross the network "
                       "in clear. Use --tls-cert/--tls-key or a TLS reverse proxy (docs/station.md).",
                       highlight=False)
    scheme = "https" if tls else "http"
    c.stderr.print(f"review station on {scheme}://{host}:{port}/ (store {the_store.root})", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, **tls)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
