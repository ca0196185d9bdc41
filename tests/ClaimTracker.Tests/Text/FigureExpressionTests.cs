using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Text;

public sealed class FigureExpressionTests
{
    private static FigureReading Read(string text, string language = "en")
    {
        var r = FigureExpression.Read(text, language);
        Assert.True(r.Ok, $"'{text}' ({language}): {r.Error}");
        return r.Reading;
    }

    [Theory]
    [InlineData("2,500", "en", 2500)]
    [InlineData("2500", "en", 2500)]
    [InlineData("1.5 million", "en", 1_500_000)]
    [InlineData("seven", "en", 7)]
    [InlineData("twenty-five", "en", 25)]
    [InlineData("a hundred", "en", 100)]
    [InlineData("one hundred and twenty", "en", 120)]
    [InlineData("two thousand five hundred", "en", 2500)]
    [InlineData("a dozen", "en", 12)]
    [InlineData("2.500", "de", 2500)]
    [InlineData("2.400", "de", 2400)]
    [InlineData("1,5 Millionen", "de", 1_500_000)]
    [InlineData("sieben", "de", 7)]
    [InlineData("fünfundzwanzig", "de", 25)]
    [InlineData("zweitausendfünfhundert", "de", 2500)]
    [InlineData("zwei Dutzend", "de", 24)]
    [InlineData("2 500", "fr", 2500)]
    [InlineData("2\u202F500", "fr", 2500)]
    [InlineData("1,5 million", "fr", 1_500_000)]
    [InlineData("vingt et un", "fr", 21)]
    [InlineData("quatre-vingt-dix", "fr", 90)]
    [InlineData("deux mille cinq cents", "fr", 2500)]
    public void Plain_figures_read_as_exact_in_each_language(string text, string language, double expected)
    {
        var r = Read(text, language);
        Assert.Equal(Approximation.Exact, r.Approximation);
        Assert.Equal((decimal)expected, r.Amount);
        Assert.Equal(r.Amount, r.LowerBound);
        Assert.Equal(r.Amount, r.UpperBound);
        Assert.Equal("exact", r.Hedge);
        Assert.Equal(FigureExpression.Version, r.TableVersion);
    }

    [Fact]
    public void A_decimal_point_in_English_is_not_a_thousands_separator()
    {
        Assert.Equal(2.5m, Read("2.500").Amount);
        Assert.Equal(2.5m, Read("2,500", "de").Amount);
    }

    [Theory]
    [InlineData("about 2,500", "en", "about", 2250, 2750)]
    [InlineData("around 2,500", "en", "about", 2250, 2750)]
    [InlineData("approximately 2,500", "en", "about", 2250, 2750)]
    [InlineData("roughly 2,500", "en", "about", 2250, 2750)]
    [InlineData("some 2,500", "en", "about", 2250, 2750)]
    [InlineData("an estimated 2,500", "en", "about", 2250, 2750)]
    [InlineData("close to 2,500", "en", "about", 2250, 2750)]
    [InlineData("2,500 or so", "en", "about", 2250, 2750)]
    [InlineData("rund 2.400", "de", "about", 2160, 2640)]
    [InlineData("etwa 2.400", "de", "about", 2160, 2640)]
    [InlineData("environ 2 500", "fr", "about", 2250, 2750)]
    public void About_is_approximate_with_a_tenth_either_side(string text, string language, string hedge, int low, int high)
    {
        var r = Read(text, language);
        Assert.Equal(Approximation.Approximate, r.Approximation);
        Assert.Equal(0.1m, r.Tolerance);
        Assert.Equal(hedge, r.Hedge);
        Assert.Equal(low, r.LowerBound);
        Assert.Equal(high, r.UpperBound);
    }

    [Theory]
    [InlineData("nearly 2,500", "en", "nearly", 2500, 2250, 2499)]
    [InlineData("almost 2,500", "en", "nearly", 2500, 2250, 2499)]
    [InlineData("just under 2,500", "en", "nearly", 2500, 2250, 2499)]
    [InlineData("fast 2.400", "de", "nearly", 2400, 2160, 2399)]
    [InlineData("knapp 2.400", "de", "nearly", 2400, 2160, 2399)]
    [InlineData("près de 2 500", "fr", "nearly", 2500, 2250, 2499)]
    [InlineData("just over 2,500", "en", "just_over", 2500, 2501, 2750)]
    [InlineData("between 2,000 and 3,000", "en", "between", null, 2000, 3000)]
    [InlineData("2,000 to 3,000", "en", "range", null, 2000, 3000)]
    [InlineData("2,000-3,000", "en", "range", null, 2000, 3000)]
    [InlineData("two or three", "en", "range", null, 2, 3)]
    [InlineData("zwischen 2.000 und 3.000", "de", "between", null, 2000, 3000)]
    [InlineData("entre 2 000 et 3 000", "fr", "between", null, 2000, 3000)]
    [InlineData("1.5 to 2 million", "en", "range", null, 1_500_000, 2_000_000)]
    public void Nearly_and_ranges_state_both_bounds(string text, string language, string hedge, int? amount, int low, int high)
    {
        var r = Read(text, language);
        Assert.Equal(Approximation.Range, r.Approximation);
        Assert.Equal(hedge, r.Hedge);
        Assert.Equal(amount, r.Amount);
        Assert.Equal(low, r.LowerBound);
        Assert.Equal(high, r.UpperBound);
    }

    [Theory]
    [InlineData("more than 40", "en", "more_than", 41, null)]
    [InlineData("over 40", "en", "more_than", 41, null)]
    [InlineData("upwards of 40", "en", "more_than", 41, null)]
    [InlineData("at least 14", "en", "at_least", 14, null)]
    [InlineData("at least a dozen", "en", "at_least", 12, null)]
    [InlineData("more than a hundred", "en", "more_than", 101, null)]
    [InlineData("40 or more", "en", "at_least", 40, null)]
    [InlineData("mehr als 40", "de", "more_than", 41, null)]
    [InlineData("mindestens 14", "de", "at_least", 14, null)]
    [InlineData("plus de 40", "fr", "more_than", 41, null)]
    [InlineData("au moins 14", "fr", "at_least", 14, null)]
    [InlineData("fewer than 40", "en", "fewer_than", null, 39)]
    [InlineData("less than 40", "en", "fewer_than", null, 39)]
    [InlineData("under 40", "en", "fewer_than", null, 39)]
    [InlineData("at most 40", "en", "at_most", null, 40)]
    [InlineData("no more than 40", "en", "at_most", null, 40)]
    [InlineData("up to 40", "en", "at_most", null, 40)]
    [InlineData("bis zu 40", "de", "at_most", null, 40)]
    [InlineData("weniger als 40", "de", "fewer_than", null, 39)]
    [InlineData("moins de 40", "fr", "fewer_than", null, 39)]
    [InlineData("jusqu’à 40", "fr", "at_most", null, 40)]
    public void Open_hedges_bound_one_side_and_counts_are_whole_numbers(string text, string language, string hedge, int? low, int? high)
    {
        var r = Read(text, language);
        Assert.Equal(hedge, r.Hedge);
        Assert.Equal(low, r.LowerBound);
        Assert.Equal(high, r.UpperBound);
        Assert.Equal(low is null ? Approximation.AtMost : Approximation.AtLeast, r.Approximation);
    }

    [Fact]
    public void The_explanation_names_the_table_row_and_why()
    {
        Assert.Equal("'more than 40' reads as at least 41: table v1, row more_than; counts are whole numbers.", Read("more than 40").Explanation);
        Assert.Equal(40, Read("nearly 40").Amount);
    }

    [Fact]
    public void A_figure_that_is_not_a_count_keeps_its_bound()
    {
        var r = FigureExpression.Read("more than 1.5", "en", counts: false);
        Assert.True(r.Ok);
        Assert.Equal(1.5m, r.Reading.LowerBound);
    }

    [Theory]
    [InlineData("several", "en", "several", 3, 9)]
    [InlineData("a few", "en", "a_few", 2, 5)]
    [InlineData("a handful", "en", "a_handful", 2, 5)]
    [InlineData("dozens", "en", "dozens", 24, 99)]
    [InlineData("scores", "en", "scores", 40, 199)]
    [InlineData("hundreds", "en", "hundreds", 200, 999)]
    [InlineData("Hundreds", "en", "hundreds", 200, 999)]
    [InlineData("thousands", "en", "thousands", 2000, 9999)]
    [InlineData("tens of thousands", "en", "tens_of_thousands", 20_000, 99_999)]
    [InlineData("several hundred", "en", "vague_times_scale", 300, 900)]
    [InlineData("Dutzende", "de", "dozens", 24, 99)]
    [InlineData("Hunderte", "de", "hundreds", 200, 999)]
    [InlineData("Tausende", "de", "thousands", 2000, 9999)]
    [InlineData("mehrere", "de", "several", 3, 9)]
    [InlineData("des centaines", "fr", "hundreds", 200, 999)]
    [InlineData("des dizaines", "fr", "tens", 20, 99)]
    [InlineData("plusieurs", "fr", "several", 3, 9)]
    public void Vague_quantities_are_ranges_from_the_table(string text, string language, string hedge, int low, int high)
    {
        var r = Read(text, language);
        Assert.Equal(Approximation.Range, r.Approximation);
        Assert.Null(r.Amount);
        Assert.Equal(hedge, r.Hedge);
        Assert.Equal(low, r.LowerBound);
        Assert.Equal(high, r.UpperBound);
    }

    [Fact]
    public void French_approximate_nouns_read_as_about_their_figure()
    {
        var r = Read("une vingtaine", "fr");
        Assert.Equal(Approximation.Approximate, r.Approximation);
        Assert.Equal(20, r.Amount);
        Assert.Equal("approximate_noun", r.Hedge);
    }

    [Fact]
    public void At_least_before_a_vague_word_opens_it_above()
    {
        var r = Read("at least dozens");
        Assert.Equal(Approximation.AtLeast, r.Approximation);
        Assert.Equal(24, r.LowerBound);
        Assert.Null(r.UpperBound);
    }

    [Theory]
    [InlineData("most of the 2,500", "en", "most_of", 1251, 2500)]
    [InlineData("half of the 2,500", "en", "half_of", 1125, 1375)]
    [InlineData("half the 2,500", "en", "half_of", 1125, 1375)]
    [InlineData("a third of the 2,400", "en", "third_of", 720, 880)]
    [InlineData("a quarter of 2,000", "en", "quarter_of", 450, 550)]
    [InlineData("two-thirds of the 2,400", "en", "two_thirds_of", 1440, 1760)]
    [InlineData("hundreds of the 2,500", "en", "vague_of", 200, 999)]
    [InlineData("die Hälfte der 2.400", "de", "half_of", 1080, 1320)]
    [InlineData("la plupart des 2 500", "fr", "most_of", 1251, 2500)]
    public void Parts_of_a_whole_keep_the_whole(string text, string language, string hedge, int low, int high)
    {
        var r = Read(text, language);
        Assert.Equal(hedge, r.Hedge);
        Assert.Equal(low, r.LowerBound);
        Assert.Equal(high, r.UpperBound);
        Assert.NotNull(r.Whole);
        Assert.Null(r.Amount);
    }

    [Fact]
    public void Words_after_the_figure_are_what_it_counts()
    {
        var r = Read("about 2,500 troops");
        Assert.Equal("troops", r.Counted);
        Assert.Equal("about 2,500 troops", r.StatedAs);
    }

    [Theory]
    [InlineData("more than", "read \"more than\" but no figure after it.")]
    [InlineData("at least", "read \"at least\" but no figure after it.")]
    [InlineData("between 2,000", "read \"between 2,000\" but no \"and\" and second figure after it.")]
    [InlineData("most of the", "read \"most of the\" but no whole figure after it.")]
    [InlineData("2,500 (2024)", "read \"2,500\" as a figure, but \"(2024)\" after it is not part of one.")]
    [InlineData("", "there is no figure: the expression is empty.")]
    public void An_expression_that_cannot_be_read_fails_saying_what_was_read(string text, string error)
    {
        var r = FigureExpression.Read(text);
        Assert.False(r.Ok);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public void An_unknown_word_is_not_guessed()
    {
        Assert.False(FigureExpression.Read("many").Ok);
        Assert.False(FigureExpression.Read("2,500", "es").Ok);
        Assert.False(FigureExpression.TryRead("numerous", "en", out _));
    }

    [Fact]
    public void A_reading_becomes_a_claim_value_the_validator_accepts()
    {
        var validator = new ClaimValueInput.Validator();
        foreach (var text in new[] { "about 2,500", "more than 40", "nearly 2,500", "hundreds", "at most 40", "2,500", "most of the 2,500", "between 2 and 5" })
        {
            var value = Read(text).ToClaimValue("troops");
            var result = validator.Validate(value);
            Assert.True(result.IsValid, $"{text}: {string.Join("; ", result.Errors)}");
        }
        var more = Read("more than 40").ToClaimValue();
        Assert.Null(more.Amount);
        Assert.Equal(41, more.LowerBound);
    }

    [Fact]
    public void Every_table_row_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "figures.md"));
        foreach (var row in FigureExpression.Table) Assert.Contains($"`{row.Key}`", doc);
        Assert.Contains($"version {FigureExpression.Version}", doc);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClaimTracker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root was not found");
    }
}
