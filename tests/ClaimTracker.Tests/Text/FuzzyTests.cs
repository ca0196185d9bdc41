using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Text;

/// <summary>The approximate search that lists every place a quote could stand.</summary>
public sealed class FuzzyTests
{
    [Fact]
    public void Matches_lists_every_span_within_the_distance_nearest_first_none_overlapping()
    {
        const string text = "Troops were wounded in a rid on Monday; later, troops were wounded in a raid on Tuesday.";

        var matches = Fuzzy.Matches(text, "wounded in a raid", maxDistance: 3, limit: 5);

        Assert.Equal(
            [(text.LastIndexOf("wounded in a raid", StringComparison.Ordinal), "wounded in a raid", 0),
             (text.IndexOf("wounded in a rid ", StringComparison.Ordinal), "wounded in a rid", 1)],
            matches.Select(m => (m.Start, text[m.Start..m.End], m.Distance)));
    }

    [Fact]
    public void Matches_end_a_span_at_the_end_of_a_word_not_inside_a_number()
    {
        const string text = "The US has about 2,000 troops in Iraq.";

        var match = Assert.Single(Fuzzy.Matches(text, "2,500", maxDistance: 1, limit: 5));

        Assert.Equal(("2,000", 1), (text[match.Start..match.End], match.Distance));
    }

    [Fact]
    public void Matches_leave_out_what_is_farther_than_the_distance_and_stop_at_the_limit()
    {
        const string text = "a raid, a road, a reed, a ride, a rein";

        Assert.Empty(Fuzzy.Matches(text, "wounded", maxDistance: 2, limit: 5));
        Assert.Equal(2, Fuzzy.Matches(text, "a raid", maxDistance: 2, limit: 2).Count);
        Assert.Equal(0, Fuzzy.Matches(text, "a raid", maxDistance: 2, limit: 2)[0].Distance);
    }
}
