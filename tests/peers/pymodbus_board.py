"""A lock board made with pymodbus, for interop tests of our RTU client.

Usage: pymodbus_board.py PORT SLAVE_ID OPEN_DOOR...

Serves an lb48-like map on PORT (9600 8N1): discrete inputs 0..0x130 with
the given door channels reading 1 (open), coils 0..48, input registers
firmware/lock count/voltage. Prints "READY" once the datastore exists and
"COIL <address> <0|1>" whenever the master writes a coil.
"""

import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.framer import FramerType
from pymodbus.server import StartSerialServer


class Coils(ModbusSequentialDataBlock):
    def setValues(self, address, values):
        super().setValues(address, values)
        # pymodbus hands the block the protocol address plus one.
        for i, v in enumerate(values):
            print(f"COIL {address - 1 + i} {int(bool(v))}", flush=True)


def main():
    port, slave = sys.argv[1], int(sys.argv[2])
    doors = [int(a) for a in sys.argv[3:]]
    inputs = [0] * 0x130
    for d in doors:
        inputs[d] = 1
    # Blocks start at 1 because pymodbus adds one to every protocol address.
    store = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(1, inputs),
        co=Coils(1, [0] * 48),
        ir=ModbusSequentialDataBlock(1, [0x0102, 48, 2412]),
        hr=ModbusSequentialDataBlock(1, [500, slave]),
    )
    context = ModbusServerContext(slaves={slave: store}, single=False)
    print("READY", flush=True)
    StartSerialServer(
        context=context,
        framer=FramerType.RTU,
        port=port,
        baudrate=9600,
        bytesize=8,
        parity="N",
        stopbits=1,
    )


if __name__ == "__main__":
    main()
