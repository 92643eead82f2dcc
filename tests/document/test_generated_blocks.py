"""Generated blocks of an export (the sign-off table): stripping undoes any of them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.generated_blocks import generated_block, strip_generated_blocks


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "#", "-", "<", "!", ">"]), max_size=40),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["signoff", "review"]),
)
def test_strip_undoes_any_generated_block(before, line_ending, kind):
    block = generated_block(kind, "| a |\n|---|\n| b |", before, line_ending)
    assert strip_generated_blocks(before + block) == before
    assert strip_generated_blocks(before + block + "## Next\n") == before + "## Next\n"
