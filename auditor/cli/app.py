"""The `auditor` Typer app: its global options, what every command shares (the engine option, auditing a
file, writing an output, the report date) and `main`, which turns every outcome into an exit code: 0 the
command ran, 2 bad input or a usage mistake, 1 internal error. The commands are in the modules beside it."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
# The pinned typer bundles its own copy of click and raises that copy's exceptions, not click's: catch those.
from typer._click import exceptions as usage_errors

from .. import __version__
from ..audit.run import AuditResult, audit, sha256_hex
from ..chronology.loader import chronology_from_text
from ..engine import engine_version, open_matcher
from ..errors import EngineCrash, InputError
from ..limits import Limits, parse_limits, set_limits
from ..chronology.dates import parse_day
from ..files.writing import write_atomic
from ..rulebook import Rulebook, load_rulebook
from ..files.reading import read_source
from ..words import count

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit safeguarding case chronologies against a cited, dated rulebook of procedural standards.")


@app.callback()
def _options(limits: Optional[str] = typer.Option(
        None, "--limits", metavar="NAME=N,...", help="Input limits, e.g. file=500MB,events=50000 (names: file, text, "
        "values, events, rows). Defaults: " + Limits().human() + ".")) -> None:
    """Audit safeguarding case chronologies against a cited, dated rulebook of procedural standards."""
    if limits:
        try:
            set_limits(parse_limits(limits))
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--limits'") from None


rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="List, show and check the rulebook.")
app.add_typer(rules_app, name="rules")


class Engine(str, Enum):
    durable = "durable"
    reference = "reference"


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"



RULES_OPTION = typer.Option(None, "--rules", help="Rulebook folder (default: the rulebook installed with auditor).")
LEARNING_OPTION = typer.Option(True, "--learning/--no-learning",
                               help="Include practice learning from reviews of other areas (rules whose only "
                                    "source is one area's review), shown apart from the standards; "
                                    "--no-learning leaves it out.")


def audit_path(case: Path, rulebook: Rulebook, engine: str = "durable", trace: bool = False,
               learning: bool = True) -> AuditResult:
    """Audit one chronology file; the input hash is of the file's bytes as read. `trace`: keep the verdicts
    behind each finding (for explain and replay); `learning`: include practice learning (run.audit)."""
    raw, text = read_source(case)
    chron = chronology_from_text(text, str(case), rulebook.vocabulary)
    with open_matcher(rulebook, engine) as matcher:
        return audit(chron, rulebook, matcher, engine_version(engine), sha256_hex(raw),  # type: ignore[arg-type]
                     trace=trace, learning=learning)


def write_output(content: str | bytes, output: Optional[Path]) -> None:
    """Print, or write atomically so an interrupted run never leaves half a report."""
    if output is None:
        sys.stdout.buffer.write(content.encode("utf-8") if isinstance(content, str) else content)
        sys.stdout.flush()
        return
    write_atomic(output, content)

def report_date(given: Optional[str]) -> date:
    """The date printed on a report: given, or SOURCE_DATE_EPOCH (reproducible builds), or today."""
    if given:
        return parse_day(given)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def register_version(app: typer.Typer) -> None:
    """`auditor version`, registered last so it is listed last."""

    @app.command("version")
    def version_command() -> None:
        """Print the auditor, rule engine and default rulebook versions."""
        typer.echo(f"auditor {__version__}; durable-rules {engine_version('durable')}; rulebook {load_rulebook(None).version}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so the same clean-up as Ctrl-C runs (workers stopped, no partial file)."""


_signalled: list[int] = []


def _terminate(signum: int, frame: object) -> None:
    _signalled.append(signum)
    raise Terminated()


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(standalone_mode=False)  # click returns, not raises, a typer.Exit's code here
        if code == 130:  # typer turns Ctrl-C (and our SIGTERM) into this code, silently
            raise Terminated() if _signalled else KeyboardInterrupt()
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{count(len(exc.problems), 'problem')} in the input; {exc.consequence}.", err=True)
        sys.exit(2)
    except EngineCrash as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code)
    except (typer.Abort, KeyboardInterrupt) as exc:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM during clean-up must not interrupt it
        typer.echo("Stopped. Files already written are complete; nothing was left half-written.", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except usage_errors.NoArgsIsHelpError as exc:
        # A command group given no command is a request for its help, not a mistake.
        typer.echo(exc.format_message())
        sys.exit(0)
    except usage_errors.ClickException as exc:
        # Usage mistakes: the command's usage line, the problem, and exit 2 (never "internal error").
        exc.show()
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        typer.echo(f"internal error: {exc!r} (set AUDITOR_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)
