"""The chart helpers every page uses: ticks a log axis can be read by, and text that reads well."""
import pandas as pd

from app.common import AXIS_TEXT, log_ticks


def contrast(foreground: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_log_axis_gets_several_ticks_however_narrow_its_range():
    assert len(log_ticks(pd.Series([0.3, 0.9]))) >= 3  # inside one decade: 0.2, 0.5, 1 ...
    assert len(log_ticks(pd.Series([0.05, 0.4]))) >= 3
    wide = log_ticks(pd.Series([1e-40, 1e10]))
    assert 5 <= len(wide) <= 9 and wide[0] <= 1e-40 and wide[-1] >= 1e10


def test_axis_text_reads_at_four_and_a_half_to_one():
    assert contrast("#808495") < 4.5 <= contrast(AXIS_TEXT)
