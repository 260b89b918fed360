"""What a run shows while it runs, and what happens when it is told to stop.

``Progress`` (the engine's ``on_progress``): on a terminal (stderr is a TTY) a rich progress display with the
API, the operation under test, steps done of those planned (one per operation and generating phase, one for
the stateful phase: the run's budget), cases and requests so far, findings so far and an estimate of the time
left from the pace observed so far (before the first step, from the rate limit). Off a terminal (a CI log)
one plain line at least every ``interval`` seconds, written by a timer thread, so that a log never goes quiet
while the run waits on the rate limiter, on a slow server or on the preflight (``DATASYNC_HEARTBEAT_SECONDS``
sets the interval).
``NO_COLOR`` (set, not empty) turns colour off.

``Interrupt``: the first SIGINT or SIGTERM stops the engine's event stream; the engine returns what it found so
far, the command marks it incomplete (``mark_incomplete``: a parameter and an error, so every report says so
and the verdict is FAIL) and exits 128 + the signal number (130 for SIGINT, 143 for SIGTERM). A signal before
the engine runs, or a second signal, stops at once (``Interrupted``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from schemathesis.engine import events
from schemathesis.engine.run import PhaseName

from datasync_openapi.findings import Result, neutral
from datasync_openapi.numbers import positive_finite

from .options import ConformanceError

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from .engine import Budget
    from .manners import Manners

HEARTBEAT_SECONDS = 10.0  # off a terminal: the longest a run stays silent
HEARTBEAT_VARIABLE = "DATASYNC_HEARTBEAT_SECONDS"  # overrides it (a positive number of seconds)
UNIT_PHASES = (PhaseName.EXAMPLES, PhaseName.COVERAGE, PhaseName.FUZZING)


@dataclass(frozen=True)
class Started:
    """The engine is about to run: what it will test, how to stop it, its budget and its manners."""

    api: str
    operations: Sequence[str]
    stop: Callable[[], None]
    budget: Budget
    manners: Manners


@dataclass(frozen=True)
class Step:
    """One engine event, with the number of distinct findings triaged so far."""

    event: events.EngineEvent
    findings: int


Update = Started | Step


def _plain(text: object) -> str:
    return neutral.terminal(text)


def _clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def heartbeat_seconds() -> float:
    """The heartbeat interval: ``DATASYNC_HEARTBEAT_SECONDS`` or ``HEARTBEAT_SECONDS``."""
    text = os.environ.get(HEARTBEAT_VARIABLE, "").strip()
    if not text:
        return HEARTBEAT_SECONDS
    value = positive_finite(text)
    if value is None:
        raise ConformanceError(f"{HEARTBEAT_VARIABLE} must be a positive number of seconds, got {text!r}")
    return value


def no_color(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """``NO_COLOR`` is set and not empty (https://no-color.org)."""
    return bool((os.environ if environ is None else environ).get("NO_COLOR"))


@dataclass
class _State:
    """What the display shows, for the API running now."""

    api: str = ""
    status: str = "starting"
    operations: int = 0
    unit_phases: int = 0
    stateful: bool = False
    planned_cases: int = 0
    rate: float | None = None
    max_time: float | None = None
    manners: Manners | None = None
    current: str = ""
    phase: str = ""
    cases: int = 0
    findings: int = 0
    finished: dict[str, set[str]] = field(default_factory=dict)  # phase -> operations finished in it
    phases_done: set[str] = field(default_factory=set)
    started: float = 0.0


class Progress:
    """The engine's ``on_progress``: ``with Progress() as progress: run(..., on_progress=progress)``."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        interval: float | None = None,
        color: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.color = (not no_color()) if color is None else color
        self.interval = heartbeat_seconds() if interval is None else interval
        self._clock = clock
        self._lock = threading.Lock()
        self._state = _State(started=clock())
        self._last_line = clock()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._rich: RichProgress | None = None
        self._task: TaskID | None = None

    # -- lifecycle ----------------------------------------------------------------------------------------------
    def __enter__(self) -> Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            console = Console(file=self.stream, force_terminal=True, no_color=not self.color, highlight=False)
            self._rich = RichProgress(
                TextColumn("{task.description}", markup=False),
                BarColumn(bar_width=16),
                TextColumn("{task.fields[counts]}", markup=False),
                TimeElapsedColumn(),
                TextColumn("{task.fields[left]}", markup=False),
                console=console,
                refresh_per_second=2,
                # stdout's lines above the display when both are the terminal; a redirected stdout stays its own
                redirect_stdout=sys.stdout.isatty(),
                redirect_stderr=False,
            )
            self._rich.start()
            self._task = self._rich.add_task(self._description(), total=None, counts="", left="")
            self._thread = threading.Thread(target=self._refresh_rich, name="datasync-progress", daemon=True)
        else:
            self._thread = threading.Thread(target=self._heartbeat, name="datasync-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._rich is not None:
            self._update_rich()
            self._rich.stop()

    # -- what the command and the engine tell it ----------------------------------------------------------------
    def status(self, text: str) -> None:
        """What the run does outside the engine (preflight, cleanup): shown until the engine starts."""
        with self._lock:
            self._state.status = _plain(text)
            self._state.current = ""
        self._changed()

    def __call__(self, update: Update) -> None:
        with self._lock:
            if isinstance(update, Started):
                self._start(update)
            else:
                self._step(update)
        self._changed()
        if isinstance(update, Started) and self._rich is None:
            state = self._state
            phases = ",".join(update.budget.phases)
            self.write(
                f"progress: {state.api}: {state.operations} operations x {state.unit_phases} generating phases"
                + (" + stateful" if state.stateful else "")
                + f" = {self._steps()[1]} steps ({phases}); budget {update.budget.max_examples} cases per "
                f"operation and phase, ~{state.planned_cases} (the coverage phase makes its own number)"
                + (f"; at most {state.rate:g} requests/s" if state.rate else "")
            )

    def _start(self, started: Started) -> None:
        budget = started.budget
        unit = [p for p in UNIT_PHASES if p.value in budget.phases]
        operations = len(started.operations)
        self._state = _State(
            api=started.api,
            status="running",
            operations=operations,
            unit_phases=len(unit),
            stateful="stateful" in budget.phases,
            # An estimate: max_examples per operation and generating phase (coverage makes its own number).
            planned_cases=operations * budget.max_examples * len(unit),
            rate=started.manners.rate,
            max_time=budget.max_time,
            manners=started.manners,
            started=self._clock(),
        )

    def _step(self, step: Step) -> None:
        state, event = self._state, step.event
        state.findings = step.findings
        if isinstance(event, events.ScenarioStarted):
            state.current = _plain(event.label or "stateful scenarios")
            state.phase = str(event.phase.value)
        elif isinstance(event, events.ScenarioFinished):
            state.cases += len(event.recorder.cases)
            if event.phase in UNIT_PHASES and event.recorder.label:
                state.finished.setdefault(str(event.phase.value), set()).add(str(event.recorder.label))
        elif isinstance(event, events.PhaseFinished):
            state.phases_done.add(str(event.phase.name.value))
        elif isinstance(event, events.EngineFinished):
            state.status = "finished"

    # -- what it shows ------------------------------------------------------------------------------------------
    def _steps(self) -> tuple[int, int]:
        """Operation-phases done and planned (one per operation and generating phase, one for stateful)."""
        state = self._state
        total = state.operations * state.unit_phases + (1 if state.stateful else 0)
        done = 0
        for phase in UNIT_PHASES:
            if phase.value in state.phases_done:
                done += state.operations
            else:
                done += len(state.finished.get(phase.value, ()))
        if state.stateful and PhaseName.STATEFUL_TESTING.value in state.phases_done:
            done += 1
        return min(done, total), total

    def _left(self) -> str:
        """Time left: from the steps done so far and their pace; before the first, from the rate limit."""
        state = self._state
        if state.status != "running":
            return ""
        elapsed = self._clock() - state.started
        done, total = self._steps()
        estimate: float | None = None
        if done:
            estimate = elapsed * (total - done) / done
        elif state.rate:
            estimate = max(0.0, state.planned_cases / state.rate - elapsed)
        if state.max_time is not None:
            remaining = max(0.0, state.max_time - elapsed)
            estimate = remaining if estimate is None else min(estimate, remaining)
        return "" if estimate is None else f"about {_clock_text(estimate)} left"

    def _requests(self) -> int:
        return self._state.manners.requests_sent if self._state.manners is not None else 0

    def _description(self) -> str:
        state = self._state
        if state.status != "running":
            return f"conformance {state.api}: {state.status}" if state.api else f"conformance: {state.status}"
        where = f"{state.current} ({state.phase})" if state.current else "starting"
        return f"conformance {state.api}: {where}"

    def _counts(self) -> str:
        state = self._state
        done, total = self._steps()
        return f"{done}/{total} steps, {state.cases} cases, {self._requests()} requests, {state.findings} findings"

    def line(self) -> str:
        """The heartbeat line (off a terminal)."""
        with self._lock:
            state = self._state
            elapsed = _clock_text(self._clock() - state.started)
            if state.status not in ("running", "finished"):
                return f"progress: {state.status} ({elapsed})"
            left = self._left()
            return f"progress: {self._description()}; {self._counts()}; {elapsed} elapsed" + (
                f", {left}" if left else ""
            )

    def _changed(self) -> None:
        if self._rich is not None:
            self._update_rich()

    def _update_rich(self) -> None:
        if self._rich is None or self._task is None:
            return
        with self._lock:
            done, total = self._steps()
            self._rich.update(
                self._task,
                description=self._description(),
                completed=done,
                total=total or None,
                counts=self._counts() if self._state.status in ("running", "finished") else "",
                left=self._left(),
            )

    def _refresh_rich(self) -> None:
        while not self._closed.wait(0.5):
            self._update_rich()

    def _heartbeat(self) -> None:
        # A little before the interval is up, so that scheduling delays do not make a gap longer than it.
        due = self.interval - min(0.25, self.interval / 10)
        while True:
            wait = due - (self._clock() - self._last_line)
            if self._closed.wait(max(0.01, wait)):
                return
            if self._clock() - self._last_line >= due:
                self.write(self.line())

    def write(self, text: str) -> None:
        """A line on the progress stream (counts as output for the heartbeat)."""
        with self._lock:
            self._last_line = self._clock()
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: progress is not worth failing the run
            print(text, file=self.stream, flush=True)


# -- stopping on SIGINT / SIGTERM -----------------------------------------------------------------------------
class Interrupted(KeyboardInterrupt):
    """A signal arrived where there is nothing to stop gracefully (before the engine runs, or a second one)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def status(self) -> int:
        return 128 + self.signum


class Interrupt:
    """``with Interrupt() as interrupt:`` SIGINT / SIGTERM stop the engine that is running (``watch``)."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self.signum: int | None = None
        self._stop: Callable[[], None] | None = None
        self._say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def watch(self, update: Update) -> None:
        """The engine's ``on_progress`` (with ``Progress``): remembers how to stop the engine running now."""
        if isinstance(update, Started):
            self._stop = update.stop
            if self.signum is not None:
                update.stop()
        elif isinstance(update.event, events.EngineFinished):
            self._stop = None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def status(self) -> int:
        """The exit status of an interrupted run: 128 + the signal number."""
        return 128 + (self.signum or 0)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None or self._stop is None:
            self.signum = self.signum or signum
            raise Interrupted(signum)
        self.signum = signum
        self._say(
            f"conformance: {signal.Signals(signum).name}: stopping; the reports will hold what was found so far "
            "(marked incomplete). Send it again to stop at once."
        )
        self._stop()


def mark_incomplete(result: Result, reason: str) -> None:
    """Every report says the run did not finish: a parameter (the reports' header), an error (FAIL), a note."""
    result.parameters["complete"] = f"no: {reason}"
    result.errors.append(f"incomplete: {reason}; the reports hold what the run found until then")


def both(progress: Progress, interrupt: Interrupt) -> Callable[[Update], None]:
    """One ``on_progress`` that feeds the display and the interrupt handling."""

    def on_progress(update: Update) -> None:
        interrupt.watch(update)
        progress(update)

    return on_progress


__all__ = [
    "HEARTBEAT_SECONDS",
    "Interrupt",
    "Interrupted",
    "Progress",
    "Started",
    "Step",
    "Update",
    "both",
    "mark_incomplete",
    "no_color",
]
