"""The quickstart notebook (examples/aigov-kg-quickstart.ipynb), executed with nbclient against a live server.

The kernel is ipykernel's own "python3" spec resolved in this interpreter (``sys.executable``), never a
kernelspec installed elsewhere on the machine, so it sees the same installed packages as the tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .conftest import make_app, serve_in_thread

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "aigov-kg-quickstart.ipynb"
CELL_TIMEOUT = 120  # seconds per cell


def run_notebook(endpoint: str, workdir: Path) -> tuple[nbformat.NotebookNode, AsyncKernelManager]:
    """Execute a fresh copy of the notebook with AIGOV_ENDPOINT set; returns it and its kernel manager."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # No kernel directories: "python3" is then ipykernel's native spec, launched with sys.executable.
    specs = KernelSpecManager(kernel_dirs=[])
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    env = {
        **os.environ,
        "AIGOV_ENDPOINT": endpoint,
        "IPYTHONDIR": str(workdir / "ipython"),  # no profile or history written to the home folder
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",  # figures become PNG outputs, headless
    }
    client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(workdir)}})
    client.execute(env=env, cleanup_kc=True)  # a manager passed in is not shut down by default: stop the kernel
    return notebook, manager


def outputs(notebook: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def text_of(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for output in outputs(notebook):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_notebook_is_saved_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cell"
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "save the notebook without outputs"
    assert "AIGOV_ENDPOINT" in code[0].source


def test_notebook_runs_against_the_server(server: str, tmp_path: Path) -> None:
    notebook, manager = run_notebook(server + "/sparql", tmp_path)

    assert manager.kernel_spec is not None and manager.kernel_spec.argv[0] == sys.executable
    everything = outputs(notebook)
    assert not [output for output in everything if output.output_type == "error"]
    assert all(cell.execution_count for cell in notebook.cells if cell.cell_type == "code"), "a code cell did not run"
    text = text_of(notebook)
    assert f"endpoint: {server}/sparql" in text
    assert "lei-yu-2025" in text  # the papers table
    assert " claims" in text and " of them dated" in text  # the cells that check the tables printed their summary
    assert "Instrument" in text  # the canned timeline query's kinds
    pngs = [output for output in everything if output.output_type == "display_data" and "image/png" in output.get("data", {})]
    assert len(pngs) == 1, "the plot of instruments per year is missing"


def test_notebook_fails_when_the_server_has_no_data(tmp_path: Path) -> None:
    with serve_in_thread(make_app([])) as base, pytest.raises(CellExecutionError, match="the server returned no papers"):
        run_notebook(base + "/sparql", tmp_path)
