"""Optional PDF beside the .docx, where LibreOffice is installed.

``soffice --headless --convert-to pdf`` with a throw-away user profile (so concurrent conversions
and a user's own LibreOffice never share one), in its own process group, killed on timeout and
when the process that started it shuts down (``stop_conversions``): being in a group of its own,
it would otherwise outlive the server by up to the timeout and write into a report folder the
next process is already regenerating.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

TIMEOUT_SECONDS = 120
_running: set[subprocess.Popen] = set()  # the conversions this process waits for
_stopped: set[subprocess.Popen] = set()  # those stop_conversions killed
_running_lock = threading.Lock()


class PdfConversionError(RuntimeError):
    """LibreOffice ran but gave no PDF (or ran out of time); the message carries its output."""


def libreoffice() -> str | None:
    """The LibreOffice command on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    docx_path: Path, outdir: Path | None = None, timeout: float = TIMEOUT_SECONDS
) -> Path | None:
    """Convert ``docx_path`` to PDF in ``outdir`` (default: beside it) and return the PDF's path;
    None when LibreOffice is not installed. Raises PdfConversionError when the conversion fails."""
    binary = libreoffice()
    if binary is None:
        return None
    docx_path = Path(docx_path).resolve()
    outdir = Path(outdir or docx_path.parent).resolve()
    target = outdir / f"{docx_path.stem}.pdf"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="cchc-soffice-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx_path),
        ]
        output = _run(command, timeout)
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfConversionError(f"LibreOffice gave no PDF for {docx_path.name}: {output.strip()}")
    return target


def _run(command: list[str], timeout: float) -> str:
    """Run ``command`` in a new process group; on timeout kill the whole group (soffice forks)."""
    with _running_lock:  # started and registered as one step, so stop_conversions cannot miss it
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        _running.add(process)
    with process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise PdfConversionError(f"LibreOffice took longer than {timeout:g} s") from None
        finally:
            with _running_lock:
                _running.discard(process)
                stopped = process in _stopped
                _stopped.discard(process)
    if stopped:
        raise PdfConversionError("LibreOffice was stopped: this process is shutting down")
    if process.returncode != 0:
        raise PdfConversionError(f"LibreOffice exited with {process.returncode}: {output.strip()}")
    return output


def _kill_group(process: subprocess.Popen) -> None:
    if process.returncode is not None:  # reaped: its pid may be another process's now
        return
    with contextlib.suppress(ProcessLookupError):  # the group has gone already
        os.killpg(process.pid, signal.SIGKILL)


def stop_conversions() -> int:
    """Kill every conversion this process started and is waiting for (with what soffice forked);
    each one's caller gets a PdfConversionError. How many there were."""
    with _running_lock:
        running = list(_running)
        _stopped.update(running)
    for process in running:
        _kill_group(process)
    return len(running)
