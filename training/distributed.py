"""Data-parallel training (DDP) for the training loops: the same loop runs on 1 rank or N.

The processes are started by `torchrun --nproc_per_node=N -m training.train MODEL` (which sets RANK and
WORLD_SIZE) or by Ray Train's TorchTrainer (`python -m training.train MODEL --ray-workers N`, which
joins them itself); `join()` finds out which. Every rank takes its
share of each batch (`shard`) and DDP averages the gradients, so a step is the whole batch's step
whatever the number of ranks. Rank 0 alone evaluates, checkpoints and writes the artifact.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Ranks:
    rank: int = 0
    world: int = 1

    @property
    def leader(self) -> bool:
        return self.rank == 0

    def shard(self, batch: Sequence) -> tuple[list, float]:
        """This rank's examples of a batch every rank draws alike (the same seed, the same order), and the weight
        of its loss: 0 for a rank left without any (a last batch smaller than the ranks), which then runs one
        example for nothing, so that every rank still takes part in averaging the gradients."""
        mine = list(batch[self.rank::self.world])
        return (mine, 1.0) if mine else (list(batch[:1]), 0.0)

    def wrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """The model that averages its gradients over the ranks (itself on one rank)."""
        if self.world == 1:
            return model
        return torch.nn.parallel.DistributedDataParallel(model)

    @contextmanager
    def leader_first(self) -> Iterator[None]:
        """The ranks run the block one after another, rank 0 first (it fetches and caches; the others find the
        caches), so no rank reads a file another is writing. Barrier k is passed once rank k-1 is through."""
        for _ in range(self.rank):
            dist.barrier()
        yield
        for _ in range(self.world - self.rank):
            if self.world > 1:
                dist.barrier()

    def decide(self, flag: bool) -> bool:
        """Rank 0's decision (stop early, say), the same on every rank."""
        if self.world == 1:
            return flag
        shared = [flag]
        dist.broadcast_object_list(shared, src=0)
        return bool(shared[0])

    def agree(self, value: int, what: str) -> None:
        """Stop every rank with a clear message unless all of them count the same `value` (their own copies
        of the data differ, so they would draw different batches and wait on each other forever)."""
        if self.world == 1:
            return
        counts = [torch.zeros(1, dtype=torch.int64) for _ in range(self.world)]
        dist.all_gather(counts, torch.tensor([value]))
        if len({int(count) for count in counts}) > 1:
            raise SystemExit(f"the ranks read different data: {', '.join(str(int(c)) for c in counts)} {what} "
                             "(give every node the same data cache, e.g. a shared RNNAPP_CACHE)")

    def mean(self, value: float) -> float:
        """The mean of `value` over the ranks: a loss scaled by `world` for this rank's share (as the loops
        scale theirs) comes back as the whole batch's loss, for the progress bar and the history."""
        if self.world == 1:
            return value
        total = torch.tensor([value], dtype=torch.float64)
        dist.all_reduce(total)
        return float(total) / self.world

    def weight_spread(self, model: torch.nn.Module) -> float:
        """The largest difference of any weight between two ranks (0.0 when they agree exactly)."""
        if self.world == 1:
            return 0.0
        flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        gathered = [torch.empty_like(flat) for _ in range(self.world)]
        dist.all_gather(gathered, flat)
        return max(float((other - gathered[0]).abs().max()) for other in gathered[1:])


def join() -> Ranks:
    """This process's place among the ranks: an existing process group (Ray Train), torchrun's environment,
    or one rank alone. The loops train on CPU, so the group talks gloo."""
    if dist.is_available() and dist.is_initialized():
        return Ranks(dist.get_rank(), dist.get_world_size())
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        dist.init_process_group("gloo")
        return Ranks(dist.get_rank(), dist.get_world_size())
    return Ranks()
