"""Early stopping shared by every training loop."""
import torch

from training.loop import BestCheckpoint


def test_best_checkpoint_keeps_the_best_model_and_stops_after_patience(tmp_path):
    model = torch.nn.Linear(2, 1)
    best = BestCheckpoint(tmp_path / "best.pt", patience=2)
    decisions = []
    for epoch, score in enumerate([0.1, 0.5, 0.4, 0.6, 0.2, 0.3], 1):
        with torch.no_grad():
            model.weight.fill_(epoch)
        decisions.append(best.update(model, score, epoch))
    assert decisions == [False, False, False, False, False, True]
    assert best.best_at == 4 and best.best_score == 0.6
    best.restore(model)
    assert torch.all(model.weight == 4)


def test_scores_compare_as_tuples_and_negated_losses(tmp_path):
    best = BestCheckpoint(tmp_path / "best.pt", patience=1)
    model = torch.nn.Linear(1, 1)
    assert not best.update(model, (0.2, 1.0), 1)
    assert not best.update(model, (0.2, 1.5), 2)  # tie on the first, better on the second
    assert best.update(model, (0.1, 9.0), 3)
    assert best.best_at == 2
