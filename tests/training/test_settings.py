"""One way to set any training setting: `python -m training.train MODEL --set KEY=VALUE`, read by the field's type."""
import dataclasses
from pathlib import Path

import pytest

from training.caption.settings import CaptionTraining
from training.settings import SettingsError, describe, with_settings
from training.train import MODELS, main, trainer


@dataclasses.dataclass
class Toy:
    steps: int = 10
    rate: float = 0.1
    name: str = "a"
    fast: bool = False
    lengths: tuple[int, ...] = (1, 2)
    where: Path | None = None
    threshold: float | None = 0.5

    def __post_init__(self):
        if self.steps < 1:
            raise ValueError("steps must be at least 1")


def test_values_are_read_by_the_field_type():
    toy = with_settings(Toy, ["steps=20_000", "rate=3e-4", "name=b c", "fast=true", "lengths=10, 50,100",
                              "where=/tmp/x", "threshold=none"])
    assert toy == Toy(20_000, 3e-4, "b c", True, (10, 50, 100), Path("/tmp/x"), None)
    assert with_settings(Toy, []) == Toy() and with_settings(Toy, ["threshold=0.7"]).threshold == 0.7
    assert with_settings(Toy, ["fast=no"]).fast is False


@pytest.mark.parametrize("assignment,message", [("stepz=3", "'stepz=3' is not KEY=VALUE"), ("steps", "not KEY=VALUE"),
                                                ("steps=many", "steps='many': not a int"),
                                                ("fast=maybe", "not true or false"), ("steps=0", "at least 1")])
def test_a_bad_assignment_says_what_is_wrong(assignment, message):
    with pytest.raises(SettingsError, match=message):
        with_settings(Toy, [assignment])


def test_every_model_has_settings_the_command_line_can_set():
    for model in MODELS:
        settings_class, train = trainer(model)
        settings = settings_class()
        assert callable(train) and describe(settings).count("\n") + 1 == len(dataclasses.fields(settings))
        field = dataclasses.fields(settings)[-1]  # each model's last field, set to its own default as text
        text = ",".join(map(str, getattr(settings, field.name))) if isinstance(getattr(settings, field.name), tuple) \
            else str(getattr(settings, field.name))
        assert with_settings(settings_class, [f"{field.name}={text}"]) == settings


def test_the_caption_settings_check_their_values():
    assert with_settings(CaptionTraining, ["cnn_name_threshold=none"]).cnn_name_threshold is None
    for assignment in ("close_ups=2", "close_ups=-0.1", "cnn_name_threshold=1.5", "data=flickr"):
        with pytest.raises(SettingsError):
            with_settings(CaptionTraining, [assignment])


@pytest.mark.parametrize("argv,message", [(["caption", "--set", "close_ups=2"], "take numbers from 0 to 1"),
                                          (["caption", "--set", "groups=0.9"], "add up to at most 1"),
                                          (["caption", "--set", "concepts=-1"], "concepts takes a whole number"),
                                          (["caption", "--set", "close_ups=a lot"], "close_ups='a lot': not a float"),
                                          (["caption", "--set", "cnn_name_threshold=x"], "cnn_name_threshold='x'"),
                                          (["sentiment", "--set", "epochs=3"], "max_epochs = 10")])
def test_the_training_command_refuses_bad_settings_before_training(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and "Traceback" not in err


def test_show_settings_prints_them_and_trains_nothing(capsys):
    assert main(["nextword", "--set", "max_steps=7", "--show-settings"]) == 0
    out = capsys.readouterr().out
    assert "max_steps = 7  (int)" in out and "wrote" not in out
