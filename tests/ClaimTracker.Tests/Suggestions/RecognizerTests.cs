using System.Diagnostics;
using System.Text;
using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Suggestions;

public sealed class RecognizerTests
{
    private static IReadOnlyList<Suggestion> Find(string text, string language = "en", string? published = "2024-09-12") =>
        Recognizer.Find(CodePoints.Nfc(text), Scoring.Context(published, language));

    [Fact]
    public void A_source_with_no_figure_gives_no_suggestion()
    {
        Assert.Empty(Find("The talks went on. Nobody knew more about them, and nobody would say."));
        Assert.Empty(Find(""));
        Assert.Empty(Recognizer.Find("2,500 troops", Scoring.Context(null, "es")));
    }

    [Fact]
    public void Offsets_count_code_points_and_point_at_the_passage()
    {
        // an emoji (two UTF-16 units) before the figure shifts UTF-16 offsets but not code points
        var text = "\U0001F4F0 The US has about 2,500 troops in Iraq.";
        var s = Assert.Single(Find(text), x => x.Kind == SuggestionKind.Quantity);
        var cp = new CodePoints(text);
        Assert.Equal("about 2,500", cp.Slice(s.Match.Start, s.Match.End));
        Assert.Equal("The US has about 2,500 troops in Iraq", cp.Slice(s.Passage.Start, s.Passage.End));
        Assert.Equal("troops", s.Counts);
        Assert.Equal("US forces in Iraq", s.Subject?.Name);
        Assert.False(s.Subject?.Exact);
    }

    [Theory]
    [InlineData("“We will stay,” a senior US official said.", "a senior US official", true, 1)]
    [InlineData("Two Iraqi officials said the talks would resume.", "Two Iraqi officials", true, 2)]
    [InlineData("The plan is on track, people familiar with the matter said.", "people familiar with the matter", true, null)]
    [InlineData("The base was hit, according to the Pentagon.", "the Pentagon", false, null)]
    [InlineData("“It is over,” said Gen. Michael Kurilla, the commander.", "Gen. Michael Kurilla", false, null)]
    [InlineData("Al-Sudani told Bloomberg the coalition would end.", "Al-Sudani", false, null)]
    [InlineData("The sources said the plan was final.", "The sources", true, null)]
    public void English_attributions(string text, string asserter, bool anonymous, int? speakers)
    {
        var a = Assert.Single(Find(text), s => s.Kind == SuggestionKind.Attribution).Asserter!;
        Assert.Equal(asserter, a.AsWritten);
        Assert.Equal(anonymous, a.Anonymous);
        Assert.Equal(speakers, a.Speakers);
        if (anonymous) Assert.Equal(asserter, a.Description);
    }

    [Theory]
    [InlineData("„Wir bleiben“, sagte ein Sprecher des Pentagons.", "ein Sprecher des Pentagons", true)]
    [InlineData("Laut Pentagon sind 2.500 Soldaten im Irak.", "Pentagon", false)]
    [InlineData("Nach Angaben von Reuters wurde der Plan beschlossen.", "Reuters", false)]
    [InlineData("Der Plan stehe, hieß es aus Regierungskreisen.", "Regierungskreisen", true)]
    public void German_attributions(string text, string asserter, bool anonymous)
    {
        var a = Assert.Single(Find(text, "de"), s => s.Kind == SuggestionKind.Attribution).Asserter!;
        Assert.Equal(asserter, a.AsWritten);
        Assert.Equal(anonymous, a.Anonymous);
    }

    [Theory]
    [InlineData("« Nous restons », a déclaré un responsable irakien.", "un responsable irakien", true)]
    [InlineData("Selon le Pentagone, 2 500 soldats sont en Irak.", "le Pentagone", false)]
    public void French_attributions(string text, string asserter, bool anonymous)
    {
        var a = Assert.Single(Find(text, "fr"), s => s.Kind == SuggestionKind.Attribution).Asserter!;
        Assert.Equal(asserter, a.AsWritten);
        Assert.Equal(anonymous, a.Anonymous);
    }

    [Fact]
    public void The_attribution_governs_the_figures_of_its_sentence_and_its_quote()
    {
        var s = Find("“We have 2,500 troops here. They will leave by September 2026,” al-Sudani said.");
        Assert.All(s.Where(x => x.Kind != SuggestionKind.Attribution), x => Assert.Equal("Mohammed Shia al-Sudani", x.Asserter?.Subject?.Name));
        var own = Assert.Single(Find("The US has 2,500 troops in Iraq."));
        Assert.Null(own.Asserter);
        Assert.Contains("the source's own voice", own.Reason);
    }

    [Fact]
    public void Figures_that_are_names_shares_money_ages_or_times_are_not_counts()
    {
        Assert.Empty(Find("A drone hit Tower 22. An F-35 flew over. Turnout was 41 percent. The aid was $500. A 25-year-old man spoke."));
        Assert.DoesNotContain(Find("The raid began at 4 a.m. and 12 soldiers took part."), s => s.MatchText == "4");
    }

    [Fact]
    public void Casualty_words_choose_killed_or_wounded_over_the_noun()
    {
        var s = Find("An attack killed three US soldiers and wounded 12 others. Seven troops were injured in a second raid.");
        Assert.Equal("killed", Assert.Single(s, x => x.MatchText == "three").Property?.Key);
        Assert.Equal("wounded", Assert.Single(s, x => x.MatchText == "Seven").Property?.Key);
    }

    [Fact]
    public void Relative_dates_resolve_against_the_publication_date_and_fail_without_one()
    {
        var s = Assert.Single(Find("Earlier this month, the Pentagon said the raid was over."), x => x.Kind == SuggestionKind.Time);
        Assert.Equal(new DateOnly(2024, 9, 1), s.Time!.Start);
        Assert.Equal(new DateOnly(2024, 9, 12), s.Time.End);
        Assert.Equal(TimeRole.StatedOn, s.Role);
        Assert.DoesNotContain(Find("Earlier this month, the Pentagon said the raid was over.", published: null), x => x.Kind == SuggestionKind.Time);
    }

    // A guard against time that grows faster than the text (before positions were indexed, 4 MB took minutes); the
    // speed itself is measured by the benchmark (bench/ClaimTracker.Bench suggest), not here.
    [Fact]
    public void A_four_megabyte_source_is_read_in_one_linear_pass()
    {
        var seed = File.ReadAllText(Path.Combine(Scoring.Root, "seeds", "articles", "2024-09-end-date-for-coalition.txt"));
        var big = new StringBuilder(4_300_000);
        while (big.Length < 4_000_000) big.Append(seed).Append("\n\n");
        var context = Scoring.Context("2024-09", "en");
        Recognizer.Find(seed, context); // warm up
        var watch = Stopwatch.StartNew();
        var found = Recognizer.Find(big.ToString(), context);
        watch.Stop();
        var perCopy = Recognizer.Find(seed, context).Count;
        Assert.Equal(perCopy * (big.Length / (seed.Length + 2)), found.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"4 MB took {watch.Elapsed}");

        // and text with no sentence ends at all: every window stays bounded
        var flat = new StringBuilder(4_100_000);
        while (flat.Length < 4_000_000) flat.Append("about 2,500 troops and some officials said that hundreds of the 2,500 more than 40 ");
        watch.Restart();
        var unpunctuated = Recognizer.Find(flat.ToString(), context);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"4 MB without punctuation took {watch.Elapsed}");
        // What each of its attributions reports is a few dozen words, not the rest of the text (a 4 MB string apiece).
        var reported = unpunctuated.Where(s => s.Reported is not null).ToList();
        Assert.NotEmpty(reported);
        Assert.All(reported, s => Assert.InRange(s.Reported!.Passage.End - s.Reported.Passage.Start, 1, 1_000));
    }
}
