"""How each protocol behaves inside :class:`~station.devices.scale.simulator.ScaleSimulator`:
what it answers to commands and which frames it streams, built with the drivers' own encoders
(so the frame layouts live in one place, the driver modules)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from station.devices.scale import cas, hid_postal, mt_sics, toledo_8213, toledo_continuous

if TYPE_CHECKING:
    from station.devices.scale.simulator import ScaleSimulator

PROTOCOLS = ("mt-sics", "toledo-8213", "toledo-continuous", "cas", "hid-postal")
Response = bytes | Callable[[], bytes]


class _Device:
    """How one protocol answers; ``sim`` holds the weight and the fault switches."""

    continuous = False

    def __init__(self, sim: ScaleSimulator) -> None:
        self.sim = sim
        self._inbox = bytearray()

    def feed(self, data: bytes) -> list[tuple[float, Response]]:
        return []

    def frame(self) -> bytes:
        return b""

    def garbage(self) -> bytes:
        return bytes(self.sim.rng.choice(b"\x00\x7f\xff#@!?*\x13\x11AZ09") for _ in range(5))

    def corrupt(self, data: bytes) -> bytes:
        digits = [i for i, b in enumerate(data) if 0x31 <= b <= 0x39]
        i = digits[len(digits) // 2] if digits else len(data) // 2
        return data[:i] + b"x" + data[i + 1 :]


class _MtSics(_Device):
    def _weight(self, command: str, stable: bool) -> bytes:
        sim = self.sim
        if sim.overload:
            return f"{command} +\r\n".encode()
        if sim.underload:
            return f"{command} -\r\n".encode()
        return mt_sics.format_weight(command, stable, sim.value_text(sim.shown_g()), sim.unit)

    def feed(self, data: bytes) -> list[tuple[float, Response]]:
        self._inbox += data
        out: list[tuple[float, Response]] = []
        while b"\n" in self._inbox:
            raw, _, rest = bytes(self._inbox).partition(b"\n")
            self._inbox = bytearray(rest)
            cmd = raw.strip(b"\r").decode("ascii", "replace").strip()
            self.sim.commands.append(cmd)
            out.append(self._answer(cmd))
        return out

    def _answer(self, cmd: str) -> tuple[float, Response]:
        sim = self.sim
        if cmd == "S":
            if sim.motion and not (sim.overload or sim.underload):
                return (
                    sim.stability_wait,
                    lambda: self._weight("S", True) if not sim.motion else b"S I\r\n",
                )
            return 0.0, self._weight("S", True)
        if cmd == "SI":
            return 0.0, self._weight("S", not sim.motion)
        if cmd in ("Z", "ZI"):
            if sim.motion and cmd == "Z":
                return sim.stability_wait, b"Z I\r\n"
            if sim.overload or sim.underload:
                return 0.0, b"Z +\r\n" if sim.overload else b"Z -\r\n"
            sim.do_zero()
            return 0.0, f"{cmd} A\r\n".encode()
        if cmd in ("T", "TI"):
            if sim.motion and cmd == "T":
                return sim.stability_wait, b"T I\r\n"
            sim.do_tare()
            return 0.0, mt_sics.format_weight("T", True, sim.value_text(sim.tare_g), sim.unit)
        if cmd == "I2":
            return 0.0, b'I2 A "PS-SIM 30kg 30.000 kg"\r\n'
        if cmd in ("I4", "@"):
            return 0.0, f'{cmd if cmd == "I4" else "I4"} A "SIM0001"\r\n'.encode()
        return 0.0, b"ES\r\n"

    def garbage(self) -> bytes:
        return b"\x00" + super().garbage() + b"\r\n"


class _Toledo8213(_Device):
    def _status_bits(self) -> int:
        sim = self.sim
        bits = toledo_8213.MOTION_BIT if sim.motion else 0
        bits |= toledo_8213.OVER_BIT if sim.overload else 0
        bits |= toledo_8213.UNDER_BIT if (sim.underload or sim.shown_g() < 0) else 0
        bits |= toledo_8213.NET_BIT if sim.tare_g else 0
        if sim.shown_g() == 0 and not bits & 0x07:
            bits |= toledo_8213.CENTER_ZERO_BIT
        return bits

    def _weight(self) -> bytes:
        bits = self._status_bits()
        if bits & 0x07 or bits & toledo_8213.CENTER_ZERO_BIT:
            return toledo_8213.encode_status(bits)
        grams = self.sim.shown_g()
        if self.sim.unit == "lb":
            hundredths = round(Decimal(grams) / Decimal("4.5359237"))
            return toledo_8213.encode_weight(f"{hundredths:05d}")
        return toledo_8213.encode_weight(f"{Decimal(grams) / 1000:06.3f}")

    def feed(self, data: bytes) -> list[tuple[float, Response]]:
        out: list[tuple[float, Response]] = []
        for byte in data:
            char = chr(byte & 0x7F)
            if char in "\r\n":
                continue
            self.sim.commands.append(char)
            if char == "W":
                out.append((0.0, self._weight()))
            elif char == "S":
                out.append((0.0, toledo_8213.encode_status(self._status_bits())))
            elif char == "Z":
                if not (self.sim.motion or self.sim.overload):
                    self.sim.do_zero()
                out.append((0.0, toledo_8213.encode_status(self._status_bits())))
        return out

    def garbage(self) -> bytes:
        return b"\x02\x13" + super().garbage()


class _ToledoContinuous(_Device):
    continuous = True

    def feed(self, data: bytes) -> list[tuple[float, Response]]:
        for byte in data:
            char = chr(byte & 0x7F)
            if char in "ZTCP":
                self.sim.commands.append(char)
                if char == "Z":
                    self.sim.do_zero()
                elif char == "T":
                    self.sim.do_tare()
                elif char == "C":
                    self.sim.tare_g = 0
        return []

    def frame(self) -> bytes:
        sim = self.sim
        unit = sim.unit if sim.unit in ("kg", "lb", "g") else "kg"
        return toledo_continuous.encode_frame(
            sim.shown_g(),
            sim.tare_g,
            unit=unit,
            decimals=0 if unit == "g" else 3,
            motion=sim.motion,
            overload=sim.overload,
            underload=sim.underload,
            with_checksum=sim.checksum,
        )

    def corrupt(self, data: bytes) -> bytes:
        if not self.sim.checksum:
            return super().corrupt(data)
        wrong = (data[-1] + 1) & 0x7F
        return data[:-1] + bytes([wrong if wrong != 0x02 else 0x05])


class _Cas(_Device):
    continuous = True

    def frame(self) -> bytes:
        sim = self.sim
        weight = sim.shown_g() if not sim.underload else -abs(sim.shown_g() or 1)
        return cas.encode_frame(
            weight,
            unit="g" if sim.unit == "g" else "kg",
            motion=sim.motion,
            overload=sim.overload,
            net=bool(sim.tare_g),
        )


class _HidPostal(_Device):
    continuous = True

    def frame(self) -> bytes:
        sim = self.sim
        status = 6 if sim.overload else 5 if sim.underload else 3 if sim.motion else None
        if sim.unit == "oz":
            return hid_postal.encode_report(sim.shown_g(), status=status, unit="oz", exponent=-1)
        return hid_postal.encode_report(sim.shown_g(), status=status, unit="g")

    def corrupt(self, data: bytes) -> bytes:
        return data[:2] + b"\x7f" + data[3:]


DEVICES: dict[str, type[_Device]] = {
    "mt-sics": _MtSics,
    "toledo-8213": _Toledo8213,
    "toledo-continuous": _ToledoContinuous,
    "cas": _Cas,
    "hid-postal": _HidPostal,
}


UNITS = {
    "mt-sics": ("kg", "g", "lb", "oz"),
    "toledo-8213": ("kg", "lb"),
    "toledo-continuous": ("kg", "lb", "g"),
    "cas": ("kg", "g"),
    "hid-postal": ("g", "oz"),
}
