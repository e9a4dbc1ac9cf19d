"""`digitize serve`: the review station (web pages and JSON API) on a store."""
from __future__ import annotations

import getpass

import typer

from digitize.cli import common as c
from digitize.errors import MissingDependency
from digitize.settings import acting_user


@c.processing_command
def serve(
    store: str = c.StoreOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    four_eyes: bool = typer.Option(True, "--four-eyes/--no-four-eyes",
                                   help="The signer of a record may not be who approved or changed it; "
                                   "--no-four-eyes for an office of one (recorded in the audit log)"),
    opts: c.ProcessingOptions = c.GIVEN_BY_DECORATOR,
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
    if not four_eyes:  # an office of one: the audit log says from when and who started it so
        the_store.log("four_eyes_off", None, acting_user() or f"cli:{getpass.getuser()}", scope="serve")
        c.stderr.print("four eyes off: one person may approve and sign a record (recorded in the audit log)",
                       highlight=False)
    app = create_app(Station(str(store or the_store.root), ctx.settings, ctx.profiles, ctx.signing, four_eyes))
    c.stderr.print(f"review station on http://{host}:{port}/ (store {the_store.root})", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
