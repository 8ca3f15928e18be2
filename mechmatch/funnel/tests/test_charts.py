from mechmatch.funnel.charts import Bar, bar_chart, histogram


def test_a_bar_chart_is_an_image_named_by_its_title_with_bars_in_proportion():
    svg = bar_chart("c", "Choices", "See the table.", [Bar("Top", 0.75, "75 %"), Bar("Other", 0.25, "25 %")])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert 'aria-labelledby="c-title c-desc"' in svg and '<title id="c-title">Choices</title>' in svg
    assert 'width="340.0"' in svg and 'width="113.3"' in svg  # 0.25 of the longest bar
    assert "75 %" in svg and "25 %" in svg


def test_chart_texts_are_escaped():
    svg = histogram("h", "<script>", "d", [Bar("<b>", 1, "&")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg and "&amp;" in svg


def test_an_empty_chart_still_draws():
    assert "</svg>" in histogram("h", "Nothing", "d", [Bar("0+", 0, "0")])
