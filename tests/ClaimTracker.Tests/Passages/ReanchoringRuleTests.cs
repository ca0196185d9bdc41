using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Passages;

/// <summary>
/// The thresholds of docs/anchoring.md at their edges, on the rule itself (a pure function of two texts; the
/// revision tests show the same rules through the API). The texts are invented.
/// </summary>
public sealed class ReanchoringRuleTests
{
    private const string Quote = "Seven US troops were wounded in a raid on August 29";
    private const string Before = "Officials at the base in Erbil said on Friday that ";
    private const string After = " and that two were flown to Germany for treatment.";

    private static Reanchored Follow(string oldText, string newText, string quote)
    {
        var old = new CodePoints(oldText);
        var at = oldText.IndexOf(quote, StringComparison.Ordinal);
        var anchor = Anchoring.At(old, at, at + quote.Length);
        var repeats = oldText.Split(quote).Length - 1;
        var next = new CodePoints(newText);
        return Reanchoring.Reanchor(next, Reanchoring.TextMap.Of(old, next), anchor, repeats);
    }

    /// <summary>The quote elsewhere, with the last <paramref name="kept"/> code points of its old prefix before it
    /// and a new suffix after it.</summary>
    private static string Elsewhere(string quote, int kept) =>
        "A new opening paragraph was added by the editors.\n\nOn Friday, officials said " + "#" + Before[^kept..] + quote + ", a spokesman added.";

    [Fact]
    public void Half_the_stored_context_unchanged_next_to_the_same_words_is_moved_and_one_code_point_less_is_not()
    {
        var oldText = "Report.\n\n" + Before + Quote + After;
        Assert.True(Before.Length >= Anchoring.ContextLength); // the stored prefix lies inside Before

        var sixteen = Follow(oldText, Elsewhere(Quote, kept: 16), Quote);
        var fifteen = Follow(oldText, Elsewhere(Quote, kept: 15), Quote);

        Assert.Equal(AnchorState.Moved, sixteen.State);
        Assert.True(Assert.Single(sixteen.Candidates).Agrees);
        // A long quote found once, whose surroundings do not agree: the words stand for the place, for review.
        Assert.Equal(AnchorState.Fuzzy, fifteen.State);
        Assert.False(Assert.Single(fifteen.Candidates).Agrees);
        Assert.Equal(fifteen.Anchor!.Start, Elsewhere(Quote, 15).IndexOf(Quote, StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_words_without_agreeing_surroundings_are_ambiguous_below_32_code_points_and_fuzzy_from_32()
    {
        var shortQuote = Quote[..31];
        var longQuote = Quote[..32];

        var shortResult = Follow("Report.\n\n" + Before + Quote + After, Elsewhere(shortQuote, kept: 0), shortQuote);
        var longResult = Follow("Report.\n\n" + Before + Quote + After, Elsewhere(longQuote, kept: 0), longQuote);

        Assert.Equal(AnchorState.Ambiguous, shortResult.State);
        Assert.Null(shortResult.Anchor);
        Assert.NotEmpty(shortResult.Candidates);
        Assert.Equal(AnchorState.Fuzzy, longResult.State);
    }

    [Fact]
    public void A_long_quote_that_recurred_in_the_old_text_is_ambiguous_when_its_surviving_copy_disagrees()
    {
        // The same sentence twice (a summary line and the body); the body's copy goes, the summary's stays.
        var oldText = "Report.\n\nIn brief: " + Quote + ".\n\n" + Before + Quote + After;
        var newText = "Report.\n\nIn brief: " + Quote + ".\n\nOfficials gave no further details.";
        var old = new CodePoints(oldText);
        var at = oldText.LastIndexOf(Quote, StringComparison.Ordinal);
        var next = new CodePoints(newText);

        var result = Reanchoring.Reanchor(next, Reanchoring.TextMap.Of(old, next), Anchoring.At(old, at, at + Quote.Length), repeatsBefore: 2);

        Assert.Equal(AnchorState.Ambiguous, result.State);
        Assert.Equal(newText.IndexOf(Quote, StringComparison.Ordinal), Assert.Single(result.Candidates).Start);
    }

    [Fact]
    public void A_passage_at_the_start_of_the_text_agrees_only_with_a_place_at_the_start()
    {
        // An empty stored prefix says "the text began here"; it is no agreement with every place.
        const string oldText = Quote + ", officials said.";
        var newText = "Updated on Saturday.\n\nIn an earlier raid, " + Quote + ". Seven more were hurt on " + Quote[^9..] + ".";

        var result = Follow(oldText, newText, Quote);

        Assert.False(Assert.Single(result.Candidates).Agrees);
        Assert.NotEqual(AnchorState.Moved, result.State);
    }
}
