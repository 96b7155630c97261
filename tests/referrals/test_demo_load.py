"""Demo rows made in worker processes (referrals.demo_load.made_in_chunks)."""

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from referrals import demo_load


def _squares_of_chunk(number: int, chunk: list[int]) -> tuple[int, int, list[int]]:
    return number, os.getpid(), [value * value for value in chunk]


def test_chunks_made_in_workers_come_back_in_order_and_the_same_as_here(monkeypatch):
    monkeypatch.setattr(demo_load, "CHUNK", 7)
    here = list(demo_load.made_in_chunks(_squares_of_chunk, range(100), processes=1))
    in_workers = list(demo_load.made_in_chunks(_squares_of_chunk, range(100), processes=2))
    assert [number for number, _pid, _ in in_workers] == list(range(15))
    assert [squares for *_, squares in in_workers] == [squares for *_, squares in here]
    assert {pid for _number, pid, _ in here} == {os.getpid()}
    assert os.getpid() not in {pid for _number, pid, _ in in_workers}


def _dies_on_the_third_chunk(number: int, chunk: list[int]) -> list[int]:
    if number == 2:
        os._exit(9)  # as a worker killed by the kernel for want of memory
    return chunk


def test_a_worker_that_dies_stops_the_load_instead_of_leaving_a_chunk_unmade(monkeypatch):
    monkeypatch.setattr(demo_load, "CHUNK", 10)
    with pytest.raises(BrokenProcessPool):
        list(demo_load.made_in_chunks(_dies_on_the_third_chunk, range(200), processes=2))


def test_small_demos_are_made_in_this_process_and_large_ones_on_every_core(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert demo_load.processes_for(demo_load.PROCESSES_FROM - 1) == 1
    assert demo_load.processes_for(demo_load.PROCESSES_FROM) == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert demo_load.processes_for(10_000_000) == demo_load.MOST_PROCESSES
