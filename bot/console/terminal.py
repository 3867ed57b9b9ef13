"""The console's keyboard and screen: a person at a terminal, or a script piped to standard input.

Piped input is echoed after its prompt, so a scripted session's output reads like a transcript
(`alice@#apollo> /pmo status`, then the answer) with nothing left dangling on a line.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import TextIO


class Terminal:
    def __init__(self, stdin: TextIO, stdout: TextIO, *, interactive: bool) -> None:
        self.stdin, self.stdout, self.interactive = stdin, stdout, interactive
        self.muted = False
        self.quitting = False  # :quit typed where it could not act at once (inside a form)
        if interactive:
            with contextlib.suppress(ImportError):  # line editing and history for input()
                importlib.import_module("readline")

    def say(self, *lines: str) -> None:
        if self.muted:
            return
        for line in lines:
            print(line, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        """The next line typed, without its newline; None once the input has ended."""
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                print(file=self.stdout)
                self.quitting = True
                return None
            except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as shells do
                print(file=self.stdout)
                return ""
        line = self.stdin.readline()
        if not line:
            self.quitting = True
            return None
        line = line.rstrip("\r\n")
        self.say(prompt + line)
        return line

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Say nothing for a while: the demo project loads without a screenful of setup."""
        self.muted = True
        try:
            yield
        finally:
            self.muted = False
        self.quitting = False  # :quit typed where it could not act at once (inside a form)
