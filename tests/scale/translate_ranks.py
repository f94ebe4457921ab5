"""The translation model's training loop (training/translate/train.py `fit`) on synthetic piece ids, for
tests/scale/test_ddp.py: `python -m tests.scale.translate_ranks OUT` trains on 1 rank, under torchrun on N,
with `--ray-workers N` on Ray Train; rank 0 saves the final weights to OUT. The real loop and model, small,
without dropout (which draws differently when a batch is split); the last batch holds one pair, so one of two
ranks takes part with nothing of its own."""
import argparse
import random
from pathlib import Path

import torch

from training.distributed import join
from training.loop import padded_batch, seed_everything
from training.translate.model import EncoderDecoder, TranslatorConfig
from training.translate.train import TranslateTraining, fit

SETTINGS = TranslateTraining(vocab_size=40, embed_dim=16, encoder_size=16, decoder_size=24, attention_size=16,
                             dropout=0.0, batch_size=8, max_epochs=2, patience=5, int8_step=False)
START, END = 2, 3


def synthetic_pairs(count: int = 57) -> list[tuple[list[int], list[int]]]:
    """Source pieces and their reversal as the target: 57 pairs, batches of 8, the last one a single pair."""
    rng = random.Random(1)
    sources = [[rng.randrange(4, SETTINGS.vocab_size) for _ in range(rng.randrange(2, 10))] for _ in range(count)]
    return [(source, [START, *reversed(source), END]) for source in sources]


@torch.no_grad()
def validate(net: EncoderDecoder) -> tuple[float, dict]:
    """Minus the loss on the first 8 pairs: the higher the better, as the real loop's chrF."""
    net.eval()
    pairs = synthetic_pairs()[:8]
    sources, lengths = padded_batch([source for source, _ in pairs])
    targets, _ = padded_batch([target for _, target in pairs])
    logits = net(sources, lengths, targets[:, :-1])
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1),
                                             ignore_index=0)
    return -float(loss), {"synthetic": {"loss": float(loss)}}


def train(out: Path) -> None:
    ranks = join()
    seed_everything(0)
    net = EncoderDecoder(TranslatorConfig(vocab_size=SETTINGS.vocab_size, embed_dim=SETTINGS.embed_dim,
                                          encoder_size=SETTINGS.encoder_size, decoder_size=SETTINGS.decoder_size,
                                          attention_size=SETTINGS.attention_size, dropout=SETTINGS.dropout))
    fit(net, synthetic_pairs(), SETTINGS, out.parent, validate, random.Random(0), ranks)
    if ranks.leader:
        torch.save(net.state_dict(), out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--ray-workers", type=int)
    args = parser.parse_args()
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not args.ray_workers:
        train(out)
        return
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    from serving.ray_session import connect

    connect()
    TorchTrainer(lambda: train(out), scaling_config=ScalingConfig(num_workers=args.ray_workers,
                                                                  resources_per_worker={"CPU": 0.5}),
                 run_config=RunConfig(storage_path=str(out.parent / "ray"), name="translate-ranks")).fit()


if __name__ == "__main__":
    main()
