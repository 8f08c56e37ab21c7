"""`auditor import`: a panel's chronology table (Word, Excel, CSV) into our chronology format, with an import report.

`register(app)` adds the command to the `auditor` Typer app.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    """Add `import` to `app` (once: a second call does nothing)."""
    if any(command.name == "import" for command in app.registered_commands):
        return

    @app.command("import")
    def import_command(
        file: Path = typer.Argument(..., metavar="FILE", help="The chronology table: .docx (Word), .xlsx (Excel) or .csv."),
        profile: Optional[Path] = typer.Option(None, "--profile", help="Mapping profile (YAML): which table, "
                                               "which columns, local agency names, case details. Required "
                                               "unless --inspect."),
        output: Optional[Path] = typer.Option(None, "--output", help="Chronology to write (default: the file's "
                                              "name with .yaml, in the current folder). With --inspect: where "
                                              "to write the proposed profile."),
        report: Optional[Path] = typer.Option(None, "--report", help="Import report to write (Markdown; default: "
                                              "next to the output, ending .import-report.md)."),
        inspect: bool = typer.Option(False, "--inspect", help="List the tables, sheets and headings found and "
                                     "propose a profile; import nothing."),
        classification: Optional[Path] = typer.Option(None, "--classification", help="Classification rules "
                                                      "(default: classification.yaml in the rulebook)."),
        rules: Optional[Path] = typer.Option(None, "--rules", help="Rulebook folder whose vocabulary the import "
                                             "uses (default: the installed rulebook)."),
        review_sheet: Optional[Path] = typer.Option(None, "--review-sheet", help="Also write a review sheet "
                                                    "(.xlsx, .docx or .csv): each row's proposed type and attributes, "
                                                    "what decided them, what was set aside and a confidence, "
                                                    "least certain first, with columns for the panel's answer."),
        reviewed: Optional[Path] = typer.Option(None, "--reviewed", help="A review sheet the panel has filled in: "
                                                "its answers (confirm, or correct with a type and attributes) "
                                                "win, and those rows are marked classified_by: panel."),
    ) -> None:
        """Import a review panel's chronology table, then audit it like any case.

        Each row becomes one event: the date read as written (day-first; loose dates become ranges,
        never a guessed day), the agency mapped by the profile, the type and attributes set by the
        classification rules. Rows no rule classifies are kept as type `other` and listed in the
        import report, with rows out of date order, duplicates and rows outside the scoping period.
        An unreadable date or an unmapped agency stops the import (exit 2), listing every such row.

        Examples:

          auditor import panel.xlsx --inspect

          auditor import panel.xlsx --profile panel-profile.yaml --output case.yaml

          auditor import panel.xlsx --profile panel-profile.yaml --review-sheet review.xlsx

          auditor import panel.xlsx --profile panel-profile.yaml --reviewed review.xlsx --output case.yaml

          auditor audit case.yaml
        """
        from ..importing.classification import load_classifier
        from ..importing.importer import import_table
        from ..importing.inspect import describe
        from ..importing.profile import load_profile
        from ..importing.report import import_report_markdown, summary_line
        from ..files.writing import write_atomic
        from ..rulebook import load_rulebook

        book = load_rulebook(rules)
        vocabulary = book.vocabulary
        if inspect:
            from ..files.reading import load_file
            from ..importing.inspect import known_spellings

            rules_file = classification or Path(book.path) / "classification.yaml"
            spellings = known_spellings(load_file(rules_file).data) if rules_file.is_file() else {}
            tables, proposal = describe(file, vocabulary, spellings)
            for table in tables:
                typer.echo(f"{table.name}: {table.rows} rows", err=True)
                for row in table.first_rows:
                    typer.echo(f"  row {row.number}: " + " | ".join(c.replace("\n", " ")[:30] for c in row.cells), err=True)
            if output is not None:
                write_atomic(output, proposal)
                typer.echo(f"proposed profile written to {output}", err=True)
            else:
                typer.echo(proposal, nl=False)
            return
        if profile is None:
            raise typer.BadParameter("give --profile PROFILE.yaml (or --inspect to propose one)", param_hint="--profile")
        mapping = load_profile(profile, vocabulary)
        classifier = load_classifier(classification or Path(book.path) / "classification.yaml", vocabulary)
        target = output or Path(file.stem + ".yaml")
        if target.resolve() == file.resolve():
            raise typer.BadParameter("the output would overwrite the table being imported", param_hint="--output")
        from tqdm import tqdm

        from ..importing.importer import Review
        from ..importing.review import read_review_sheet, write_review_sheet

        if review_sheet is not None and review_sheet.suffix.lower() not in (".xlsx", ".docx", ".csv"):
            raise typer.BadParameter("a review sheet is .xlsx, .docx or .csv", param_hint="--review-sheet")
        clocks = frozenset(t for v in book.variants if v.check.template in ("within", "lead-time")
                           for t in v.check.trigger.type)
        review = Review(read_review_sheet(reviewed, vocabulary) if reviewed is not None else {},
                        [] if review_sheet is not None else None, clocks)
        shown = sys.stderr.isatty()
        with tqdm(unit="row", disable=not shown, file=sys.stderr) as bar:
            result = import_table(file, mapping, vocabulary, classifier, target, classifier.link_rules,
                                  on_row=(lambda: bar.update(1)) if shown else None, review=review)
        report_path = report or target.with_name(target.stem + ".import-report.md")
        write_atomic(report_path, import_report_markdown(result))
        if review_sheet is not None and review.proposals is not None:
            write_review_sheet(review_sheet, review.proposals, vocabulary)
            typer.echo(f"review sheet: {review_sheet} (least certain rows first)", err=True)
        typer.echo(f"{summary_line(result)}; chronology: {target}; report: {report_path}", err=True)
