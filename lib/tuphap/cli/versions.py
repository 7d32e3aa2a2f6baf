"""`tuphap versions`, `sign`, `verify` and `diff`: a report's kept final copies, signing one, checking a
signed file, and what changed between two copies (versions/)."""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import click

from tuphap.cli.selection import choosing_failed, kind_folders, known_selection
from tuphap.cli.site import write_site_saying
from tuphap.cli.texts import examples, help_text
from tuphap.compute import formatting
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.lock import settled_outputs, waiting_message
from tuphap.runtime.targets import CommuneTarget
from tuphap.versions import compare, redline, signing, store, verifying


def _report_options(command):
    """--unit, --year and --kind: the one report a command works on."""
    command = click.option("--kind", "kind", metavar="KIND", default=None,
                           help=_("Report kind, e.g. 6thang (default: the yearly report)."))(command)
    command = click.option("--year", required=True, type=int, metavar="YEAR", help=_("The report's year, e.g. 2024."))(command)
    return click.option("--unit", required=True, metavar="SLUG", help=_("The report's unit, e.g. tan-khai."))(command)


def _chosen(root, unit: str, year: int, kind: str | None) -> tuple[ProjectPaths, str]:
    """The project and the report kind's folder name, the unit and year checked (exit 2 when unknown)."""
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, (unit,), (year,))
        folders = kind_folders(paths, (kind,) if kind else ())
        return paths, folders[0] if folders else ""
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))


def _fail(exc: Exception) -> None:
    click.echo(_("error: {message}").format(message=exc), err=True)
    sys.exit(1)


@click.command(name="versions", help=help_text(
    _("List a report's kept final copies: each `build --final` that made new files keeps them as the next "
      "version (v1, v2 …, read-only, in outputs/versions/), with whether it is signed and sent."),
    examples(("tuphap versions --unit tan-khai --year 2024", ""),
             ("tuphap versions --unit tan-khai --year 2024 --mark-sent 'Phòng Tư pháp'", _("record that the latest was sent")))))
@_report_options
@click.option("--mark-sent", "sent_to", metavar="TO", help=_("Record that the version was sent, and to whom."))
@click.option("--on", "sent_on", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help=_("The day it was sent (default: today)."))
@click.option("--version", "wanted", metavar="vN", help=_("The version to mark (default: the latest)."))
@click.pass_obj
def versions(root, unit, year, kind, sent_to, sent_on, wanted) -> None:
    """`tuphap versions` (help above)."""
    paths, kind = _chosen(root, unit, year, kind)
    try:
        if sent_to is not None:
            if not sent_to.strip():
                raise TuphapError(_("--mark-sent needs whom it was sent to"))
            version = store.find(paths, year, unit, kind, wanted)
            _then_site(paths, lambda: store.mark_sent(version, sent_to.strip(), sent_on.date() if sent_on else dt.date.today()))
        kept = store.kept(paths, year, unit, kind)
    except TuphapError as exc:
        _fail(exc)
    if not kept:
        click.echo(_("No final copy of {unit} {year} has been kept yet.").format(unit=unit, year=year))
    for version in kept:
        sent = version.sent
        click.echo("  ".join(filter(None, [
            version.name, _("kept {time}").format(time=formatting.timestamp(version.record["kept_at"])),
            _("data #{hash}").format(hash=version.record.get("data_hash", "")),
            _("signed") if version.signed_pdf else _("not signed"),
            _("sent to {to} on {day}").format(to=sent["to"], day=formatting.date_short(dt.date.fromisoformat(sent["on"])))
            if sent else "",
            str(version.folder)])))


@click.command(name="sign", help=help_text(
    _("Sign a report's latest kept final copy (or --version) as PAdES, with a key from a PKCS#12 file or a "
      "PKCS#11 signing token. The signed PDF is a new file beside the version's (report.signed.pdf); what "
      "was signed is not changed by a byte. The password or PIN is asked for, or read from "
      "$TUPHAP_SIGN_PASSWORD, and never stored."),
    examples(("tuphap sign --unit tan-khai --year 2024 --pkcs12 chu-ky.p12", ""),
             ("tuphap sign --unit tan-khai --year 2024 --pkcs11-lib /usr/lib/libtoken.so --key-label 'Chu ky'",
              _("a USB signing token")),
             ("tuphap sign --unit tan-khai --year 2024 --pkcs12 chu-ky.p12 --seal con-dau.png "
              "--timestamp-url http://tsa.example.vn", _("seal image, timestamp (PAdES B-T)")))))
@_report_options
@click.option("--version", "wanted", metavar="vN", help=_("The version to sign (default: the latest)."))
@click.option("--pkcs12", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=_("The signer's key and certificate (.p12, .pfx)."))
@click.option("--pkcs11-lib", type=click.Path(dir_okay=False, path_type=Path), metavar="LIBRARY",
              help=_("The signing token's PKCS#11 library."))
@click.option("--token-label", metavar="LABEL", help=_("Which token (default: the first found)."))
@click.option("--key-label", metavar="LABEL", help=_("Which key and certificate on the token."))
@click.option("--password", envvar="TUPHAP_SIGN_PASSWORD",
              help=_("The key's password or the token's PIN (asked for when not given)."))
@click.option("--seal", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="IMAGE",
              help=_("An image of the seal shown under the signature (PNG, JPEG)."))
@click.option("--timestamp-url", metavar="URL", help=_("A timestamp server (RFC 3161): PAdES B-T instead of B-B."))
@click.pass_obj
def sign(root, unit, year, kind, wanted, pkcs12, pkcs11_lib, token_label, key_label, password, seal,
         timestamp_url) -> None:
    """`tuphap sign` (help above)."""
    if (pkcs12 is None) == (pkcs11_lib is None):
        raise click.UsageError(_("give the key as --pkcs12 FILE or as --pkcs11-lib LIBRARY, one of them"))
    paths, kind = _chosen(root, unit, year, kind)
    try:
        version = store.find(paths, year, unit, kind, wanted)  # before the password is asked for
        if password is None:
            password = click.prompt(_("Password or PIN"), hide_input=True)
        key = signing.Pkcs12Key(pkcs12, password) if pkcs12 else signing.TokenKey(pkcs11_lib, password, token_label, key_label)
    except TuphapError as exc:
        _fail(exc)
    _then_site(paths, lambda: click.echo(_("Signed: {file}").format(
        file=signing.sign(version, key, seal=seal, timestamp_url=timestamp_url))))


def _then_site(paths: ProjectPaths, change: Callable[[], object]) -> None:
    """Make a change to a kept version while no build runs (the build lock, as `tuphap site` takes it), then
    rewrite the site, which lists each version and whether it is signed and sent."""
    try:
        with settled_outputs(paths, on_wait=lambda: click.echo(waiting_message(paths), err=True)):
            change()
            write_site_saying(paths)
    except (TuphapError, OSError) as exc:
        _fail(exc)


@click.command(name="verify", help=help_text(
    _("Check the signatures of a signed PDF: who signed and when, whether the signed bytes are intact and "
      "cover the whole file, and, with --trust-root, whether the signer's certificate chains to it. Exit "
      "status 1 when a signature does not hold."),
    examples(("tuphap verify outputs/versions/2024/tan-khai/v1/report.signed.pdf --trust-root ca.pem", ""))))
@click.argument("pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--trust-root", "roots", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="CERT", help=_("A root certificate to trust (PEM or DER); may be given several times."))
def verify(pdf, roots) -> None:
    """`tuphap verify` (help above)."""
    try:
        checks = verifying.verify(pdf, list(roots))
    except TuphapError as exc:
        _fail(exc)
    if not checks:
        click.echo(_("{file} has no signature.").format(file=pdf), err=True)
        sys.exit(1)
    for number, check in enumerate(checks, start=1):
        yes, no = _("yes"), _("no")
        trusted = _("not checked (no --trust-root)") if check.trusted is None else yes if check.trusted else no
        click.echo(_("Signature {number} ({field}):").format(number=number, field=check.field))
        click.echo("  " + _("signer: {signer}").format(signer=check.signer))
        click.echo("  " + _("signed at: {time}").format(time=check.signed_at.isoformat() if check.signed_at else "?"))
        click.echo("  " + _("intact: {answer}").format(answer=yes if check.intact else no))
        click.echo("  " + _("covers the whole file: {answer}").format(answer=yes if check.whole_file else no))
        click.echo("  " + _("certificate chains to a trusted root: {answer}").format(answer=trusted))
        click.echo("  " + _("timestamp: {answer}").format(answer=yes if check.timestamped else no))
        if check.problem:
            click.echo("  " + _("problem: {problem}").format(problem=check.problem))
    if not all(check.good for check in checks):
        click.echo(_("{file}: a signature does not hold.").format(file=pdf), err=True)
        sys.exit(1)
    click.echo(_("{file}: every signature holds.").format(file=pdf))


@click.command(name="diff", help=help_text(
    _("What changed between two copies of a report: the figures (indicator, old → new), the sentences "
      "added, removed or changed, and the acknowledgements. By default the last two kept versions, or the "
      "only one and the current draft; name versions to choose (v1 v3, or v2 and the draft with one)."),
    examples(("tuphap diff --unit tan-khai --year 2024", ""), ("tuphap diff --unit tan-khai --year 2024 v1 v3", ""),
             ("tuphap diff --unit tan-khai --year 2024 --word thay-doi.docx", _("and a Word file with tracked changes")))))
@_report_options
@click.argument("chosen", nargs=-1, metavar="[OLD [NEW]]")
@click.option("--word", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help=_("Also write the newer Word file with the changes as tracked changes, for reviewers in Word."))
@click.pass_obj
def diff(root, unit, year, kind, chosen, word) -> None:
    """`tuphap diff` (help above)."""
    if len(chosen) > 2:
        raise click.UsageError(_("name at most two versions: OLD and NEW"))
    paths, kind = _chosen(root, unit, year, kind)
    try:
        older, newer = _sides(paths, CommuneTarget(unit, year, kind), chosen)
        comparison = compare.compare(older, newer, Dataset.load(paths).catalogue)
    except TuphapError as exc:
        _fail(exc)
    click.echo(_("{unit} {year}: {older} → {newer}").format(unit=unit, year=year, older=older.name, newer=newer.name))
    if comparison.empty:
        click.echo(_("No figure, sentence or acknowledgement changed."))
    for indicator, label, old, new in comparison.figures:
        click.echo(_("figure {indicator} ({label}): {old} → {new}").format(
            indicator=indicator, label=label, old=old or _("none"), new=new or _("none")))
    for change, old, new in comparison.sentences:
        click.echo({"added": f"+ {new}", "removed": f"- {old}", "changed": f"~ {old}\n  → {new}"}[change])
    for rule, indicator, old, new in comparison.acknowledgements:
        click.echo(_("acknowledgement {rule} {indicator}: {old} → {new}").format(
            rule=rule, indicator=indicator, old=old or _("none"), new=new or _("none")))
    if word is not None:
        try:
            content = redline.word_changes(older.report_html.with_name("report.docx"), newer.report_html.with_name("report.docx"),
                                           author=f"tuphap ({newer.name})", when=dt.datetime.now().astimezone())
            word.write_bytes(content)
        except (TuphapError, OSError) as exc:
            _fail(exc)
        click.echo(_("Word file with the changes tracked: {file}").format(file=word))


def _sides(paths: ProjectPaths, target: CommuneTarget, chosen: tuple[str, ...]) -> tuple[compare.Copy, compare.Copy]:
    """The two copies to compare: the named versions, or by default the last two (the last and the draft
    when there is one version, or one is named)."""
    kept = store.kept(paths, target.year, target.unit, target.kind)
    if len(chosen) == 2:
        return tuple(compare.Copy.of_version(store.find(paths, target.year, target.unit, target.kind, name))
                     for name in chosen)
    if len(chosen) == 1 or len(kept) == 1:
        older = store.find(paths, target.year, target.unit, target.kind, chosen[0] if chosen else None)
        return compare.Copy.of_version(older), _draft(paths, target)
    if not kept:
        store.find(paths, target.year, target.unit, target.kind, None)  # says there is none and how to keep one
    return compare.Copy.of_version(kept[-2]), compare.Copy.of_version(kept[-1])


def _draft(paths: ProjectPaths, target: CommuneTarget) -> compare.Copy:
    """The report as built now, with the figures the data hold now."""
    report = paths.report_dir(target.year, target.unit, target.kind) / "report.html"
    if not report.is_file():
        raise TuphapError(_("{file} does not exist: build the report first").format(file=report))
    dataset = Dataset.load(paths)
    figures = dataset.values_for(target.unit, target.year, target.report_kind(paths).period.code)
    entry = Ledger.load(paths).entry(target) or {}
    return compare.Copy(_("the current copy"), figures, report, entry.get("acknowledged", []))
