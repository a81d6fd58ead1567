"""How the Send screen moves under the keyboard: Enter walks the fields (checking each one
in place where it can: phones, the ID, the contents), the sender is looked up by phone and a
repeat sender recalled with their address book.

A mixin of SendScreen (ui/screens/send.py), which owns the widgets named here.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget

from station.domain import prohibited
from station.errors import InvalidInput
from station.services.senders import AddressEntry, SenderView
from ui import workers
from ui.screens.send_common import category_by_key, refusal_text, send_error_text
from ui.screens.send_sender import NEW

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _lookup_job(actor, phone: str) -> tuple[list[SenderView], list[AddressEntry]]:  # noqa: ANN001
    from station.services import senders

    matches = senders.find_senders(actor, phone)
    book = senders.list_addresses(actor, matches[0].id, "recipient") if len(matches) == 1 else []
    return matches, book


def _book_job(actor, sender_id: int) -> list[AddressEntry]:  # noqa: ANN001
    from station.services import senders

    return senders.list_addresses(actor, sender_id, "recipient")


class SendFlow:
    """Enter, the sender lookup and the contents check (mixed into SendScreen)."""

    chain: list[QWidget]
    _editors: dict[int, QWidget]
    sender: Any
    recipient: Any
    parcel: Any
    payment: Any
    banner: Any
    session: Any
    form_page: QWidget

    def create(self) -> None: ...

    def _refresh(self) -> None: ...

    # -- Enter walks the form ------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in _ENTER):
            widget = self._editors.get(id(obj), obj)
            if isinstance(widget, QWidget) and widget in self.chain:
                self._enter(widget)
                return True
        return False

    def _usable(self, widget: QWidget) -> bool:
        if not widget.isVisibleTo(self.form_page) or not widget.isEnabled():
            return False
        return not (isinstance(widget, QLineEdit | QAbstractSpinBox) and widget.isReadOnly())

    def focus_next(self, widget: QWidget) -> None:
        start = self.chain.index(widget) + 1
        for candidate in self.chain[start:]:
            if self._usable(candidate):
                self._focus(candidate)
                return
        self.create()

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus()
        if isinstance(widget, QLineEdit | QAbstractSpinBox):
            widget.selectAll()

    def _enter(self, widget: QWidget) -> None:
        s, r, p = self.sender, self.recipient, self.parcel
        if widget is s.phone:
            self.lookup_sender()
        elif widget is s.chooser:
            self._sender_chosen()
        elif widget is s.id_number:
            problem = s.check_id()
            if problem is not None:
                self.banner.show_message("error", problem)
                s.id_number.selectAll()
                return
            self.banner.show_message("ok", s.state.text())
            self.focus_next(widget)
        elif widget is r.book:
            r.apply_entry()
            self._focus(p.category if r.address_id is not None else r.name)
        elif widget is r.phone:
            problem = r.phone_problem()
            if problem is not None:
                self.banner.show_message("error", problem)
                r.phone.selectAll()
                return
            self.focus_next(widget)
        elif widget in (p.category, p.note):
            problem = self.contents_problem()
            if problem is not None:
                self.banner.show_message("error", problem)
                return
            self.focus_next(widget)
        elif widget is p.height and self.payment.method() != "cash":
            self.create()
        elif widget is self.payment.tendered:
            self.create()
        else:
            self.focus_next(widget)

    # -- the sender ----------------------------------------------------------------------------
    def lookup_sender(self) -> None:
        problem = self.sender.phone_problem()
        if problem is not None:
            self.banner.show_message("error", problem)
            self.sender.phone.selectAll()
            return
        if self.sender.known is not None:
            self.focus_next(self.sender.id_number)
            return
        phone = self.sender.phone.text().strip()
        self.banner.show_message("info", self.tr("Looking up the sender {0}…").format(phone))
        workers.run(_lookup_job, self.session.actor, phone, owner=self,
                    on_done=self._looked_up, on_error=self._failed_here)

    def _looked_up(self, result: tuple[list[SenderView], list[AddressEntry]]) -> None:
        matches, book = result
        if not matches:
            self.sender.start_new()
            self.banner.show_message("warn", self.tr(
                "New sender: type the name, then check the ID (real-name sending, once per "
                "sender)."))
            self._focus(self.sender.name)
        elif len(matches) == 1:
            self._recalled(matches[0], book)
        else:
            self.sender.offer(matches)
            self.banner.show_message("warn", self.tr(
                "{0} senders use this phone: pick one (Enter), or a new sender.").format(
                len(matches)))
            self.sender.chooser.setFocus()

    def _sender_chosen(self) -> None:
        view = self.sender.chosen()
        if self.sender.chooser.currentData() == NEW or view is None:
            self.sender.start_new()
            self._focus(self.sender.name)
            return
        workers.run(_book_job, self.session.actor, view.id, owner=self,
                    on_done=lambda book, v=view: self._recalled(v, book),
                    on_error=self._failed_here)

    def _recalled(self, view: SenderView, book: list[AddressEntry]) -> None:
        self.sender.recall(view)
        self.recipient.set_entries(book)
        if book:
            self.banner.show_message("ok", self.tr(
                "{0} is a known sender (ID checked). Enter takes the usual recipient, or pick "
                "another from the address book.").format(view.name))
            self.recipient.book.setFocus()
        else:
            self.banner.show_message("ok", self.tr(
                "{0} is a known sender (ID checked). Type the recipient.").format(view.name))
            self._focus(self.recipient.name)

    def _failed_here(self, error: BaseException) -> None:
        self.banner.show_message("error", send_error_text(error))

    # -- contents --------------------------------------------------------------------------
    def contents_problem(self) -> str | None:
        key = self.parcel.category.currentData() or ""
        if not key:
            return self.tr("Ask what is inside and choose the contents (look at it: 验视).")
        try:
            prohibited.check(key, self.parcel.note.text())
        except InvalidInput as exc:
            category = category_by_key(str(exc.details.get("category", "")))
            if category is None:
                return send_error_text(exc)
            found = re.search(r"\(([^)]*)\) are prohibited", exc.message)
            return refusal_text(category, found.group(1) if found else "")
        return None

    def _contents_checked(self) -> None:
        key = self.parcel.category.currentData() or ""
        category = category_by_key(key)
        if category is not None and category.prohibited:
            self.banner.show_message("error", refusal_text(category))
        self._refresh()
