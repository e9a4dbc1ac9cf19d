"""`digitize serve`: the review station (web pages and JSON API) on a store."""
from __future__ import annotations

import typer

from digitize.cli import common as c
from digitize.errors import MissingDependency


@c.processing_command
def serve(
    store: str = c.StoreOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    max_upload: int = typer.Option(200, "--max-upload", min=1, help="Largest upload accepted, in MiB (413 above)"),
    max_files: int = typer.Option(20, "--max-files", min=1, help="Most files in one upload (413 above)"),
    max_queue: int = typer.Option(200, "--max-queue", min=1, help="Most uploads waiting to be processed (503 above)"),
    opts: c.ProcessingOptions = None,
) -> None:
    """Serve the review station: staff check and correct fields, signers sign (opened once here)."""
    try:  # the web stack is loaded only by this command, so other commands start fast
        import uvicorn

        from digitize.web.app import Station, create_app
    except ModuleNotFoundError as e:
        raise MissingDependency(e.name or "web", "the review station needs the web extra "
                                "(pip install 'digitize[web]')") from None
    ctx = c.open_run(opts, store)  # the signer opens here: PIN or key password from env or prompt, never HTTP
    the_store = ctx.store
    from digitize.web.uploads import MIB, UploadLimits

    limits = UploadLimits(max_upload * MIB, max_files)
    app = create_app(Station(str(store or the_store.root), ctx.settings, ctx.profiles, ctx.signing, ctx.jobs, limits,
                             max_queue))
    c.stderr.print(f"review station on http://{host}:{port}/ (store {the_store.root})", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
