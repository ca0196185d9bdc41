using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Text;

public sealed class DateExpressionTests
{
    private static readonly PartialDate Sept12 = PartialDate.ParseOrNull("2024-09-12")!.Value;
    private static readonly PartialDate September = PartialDate.ParseOrNull("2024-09")!.Value;
    private static readonly PartialDate April = PartialDate.ParseOrNull("2024-04")!.Value;

    private static DateReading Read(string text, string language = "en", PartialDate? report = null, DateTense tense = DateTense.Unknown)
    {
        var r = DateExpression.Read(text, language, report, tense);
        Assert.True(r.Ok, $"'{text}' ({language}): {r.Error}");
        return r.Reading;
    }

    private static void Period(DateReading r, string start, string endExclusive)
    {
        Assert.Equal(DateOnly.Parse(start), r.Start);
        Assert.Equal(DateOnly.Parse(endExclusive), r.End);
    }

    [Theory]
    [InlineData("29 August 2024", "en", "2024-08-29", "2024-08-30", PeriodPrecision.Day, "29 August 2024")]
    [InlineData("August 29, 2024", "en", "2024-08-29", "2024-08-30", PeriodPrecision.Day, "29 August 2024")]
    [InlineData("Thursday, August 29, 2024", "en", "2024-08-29", "2024-08-30", PeriodPrecision.Day, "29 August 2024")]
    [InlineData("the 29th of August 2024", "en", "2024-08-29", "2024-08-30", PeriodPrecision.Day, "29 August 2024")]
    [InlineData("September 2024", "en", "2024-09-01", "2024-10-01", PeriodPrecision.Month, "September 2024")]
    [InlineData("2024", "en", "2024-01-01", "2025-01-01", PeriodPrecision.Year, "2024")]
    [InlineData("2024-09-17", "en", "2024-09-17", "2024-09-18", PeriodPrecision.Day, "17 September 2024")]
    [InlineData("2024-09", "en", "2024-09-01", "2024-10-01", PeriodPrecision.Month, "September 2024")]
    [InlineData("17. September 2024", "de", "2024-09-17", "2024-09-18", PeriodPrecision.Day, "17 September 2024")]
    [InlineData("17.09.2024", "de", "2024-09-17", "2024-09-18", PeriodPrecision.Day, "17 September 2024")]
    [InlineData("le 29 août 2024", "fr", "2024-08-29", "2024-08-30", PeriodPrecision.Day, "29 August 2024")]
    [InlineData("1er septembre 2024", "fr", "2024-09-01", "2024-09-02", PeriodPrecision.Day, "1 September 2024")]
    [InlineData("the 1990s", "en", "1990-01-01", "2000-01-01", PeriodPrecision.Decade, "the 1990s")]
    [InlineData("die 1990er Jahre", "de", "1990-01-01", "2000-01-01", PeriodPrecision.Decade, "the 1990s")]
    [InlineData("les années 1990", "fr", "1990-01-01", "2000-01-01", PeriodPrecision.Decade, "the 1990s")]
    public void Plain_dates_read_as_their_whole_period(string text, string language, string start, string end, PeriodPrecision precision, string display)
    {
        var r = Read(text, language);
        Period(r, start, end);
        Assert.Equal(precision, r.Precision);
        Assert.Equal(display, r.Display);
        Assert.Equal(TimeModifier.On, r.Modifier);
    }

    [Fact]
    public void A_day_without_a_year_takes_the_most_recent_one_not_after_the_report()
    {
        var r = Read("on August 29", report: September);
        Period(r, "2024-08-29", "2024-08-30");
        Assert.Contains("the year 2024 is taken from the report (September 2024)", r.Resolution);
        Assert.Equal("2024-08-29", r.Date?.ToString());

        var later = Read("Oct. 3", report: September);
        Period(later, "2023-10-03", "2023-10-04");
        Assert.Contains("the most recent such date not after the report", later.Resolution);

        Period(Read("Aug. 29", report: Sept12), "2024-08-29", "2024-08-30");
        Period(Read("in January", report: September), "2024-01-01", "2024-02-01");
        Period(Read("im September", "de", Sept12), "2024-09-01", "2024-10-01");
    }

    [Fact]
    public void A_month_ahead_in_a_text_about_the_future_stays_in_the_report_year()
    {
        // "the next meeting is not until July", in an April 2024 report
        var r = Read("not until July", report: April);
        Period(r, "2024-07-01", "2024-08-01");
        Assert.Equal(TimeModifier.On, r.Modifier);
        Assert.Contains("not before it", r.Explanation);
        // and a month already past, in a text about the future, is next year's
        Period(Read("in January", report: September, tense: DateTense.Future), "2025-01-01", "2025-02-01");
        Period(Read("by March", report: September), "2025-03-01", "2025-04-01");
    }

    [Fact]
    public void Without_a_report_a_date_without_a_year_fails_saying_why()
    {
        var r = DateExpression.Read("on August 29");
        Assert.False(r.Ok);
        Assert.Equal("'29 August' has no year, and the source has no date to take one from.", r.Error);
        var rel = DateExpression.Read("earlier this month");
        Assert.Equal("'earlier this month' is relative, and the source has no date to place it against.", rel.Error);
    }

    [Theory]
    [InlineData("in September 2026", TimeModifier.On)]
    [InlineData("during 2026", TimeModifier.On)]
    [InlineData("by September 2026", TimeModifier.By)]
    [InlineData("before September 2026", TimeModifier.Before)]
    [InlineData("after September 2026", TimeModifier.After)]
    [InlineData("since September 2026", TimeModifier.From)]
    [InlineData("from September 2026", TimeModifier.From)]
    [InlineData("until September 2026", TimeModifier.Until)]
    [InlineData("through September 2026", TimeModifier.Until)]
    public void English_modifiers(string text, TimeModifier modifier)
    {
        var r = Read(text);
        Assert.Equal(modifier, r.Modifier);
        Period(r, r.Start.ToString("yyyy-MM-dd"), r.End.ToString("yyyy-MM-dd"));
    }

    [Theory]
    [InlineData("bis September 2026", "de", TimeModifier.By)]
    [InlineData("vor September 2026", "de", TimeModifier.Before)]
    [InlineData("nach September 2026", "de", TimeModifier.After)]
    [InlineData("seit 2014", "de", TimeModifier.From)]
    [InlineData("ab 2026", "de", TimeModifier.From)]
    [InlineData("d’ici septembre 2026", "fr", TimeModifier.By)]
    [InlineData("avant septembre 2026", "fr", TimeModifier.Before)]
    [InlineData("après septembre 2026", "fr", TimeModifier.After)]
    [InlineData("depuis 2014", "fr", TimeModifier.From)]
    [InlineData("jusqu’à septembre 2026", "fr", TimeModifier.Until)]
    public void German_and_French_modifiers(string text, string language, TimeModifier modifier) =>
        Assert.Equal(modifier, Read(text, language).Modifier);

    [Fact]
    public void A_deadline_is_due_at_the_end_of_its_period()
    {
        Assert.Equal(new DateOnly(2026, 12, 31), Read("by 2026").Due);
        Assert.Equal(new DateOnly(2026, 9, 30), Read("by September 2026").Due);
        Assert.Equal(new DateOnly(2026, 12, 31), Read("by the end of 2026").Due);
        Assert.Equal(new DateOnly(2026, 12, 31), Read("bis Ende 2026", "de").Due);
        Assert.Equal(new DateOnly(2026, 12, 31), Read("d’ici fin 2026", "fr").Due);
        Assert.Null(Read("in September 2026").Due);
    }

    [Theory]
    [InlineData("early 2026", "2026-01-01", "2026-05-01", PeriodPrecision.Third, "early", "early 2026")]
    [InlineData("mid-2026", "2026-05-01", "2026-09-01", PeriodPrecision.Third, "mid", "mid-2026")]
    [InlineData("late 2026", "2026-09-01", "2027-01-01", PeriodPrecision.Third, "late", "late 2026")]
    [InlineData("the beginning of 2026", "2026-01-01", "2026-02-01", PeriodPrecision.Month, "beginning", "the beginning of 2026")]
    [InlineData("the start of 2026", "2026-01-01", "2026-02-01", PeriodPrecision.Month, "beginning", "the beginning of 2026")]
    [InlineData("the end of 2026", "2026-12-01", "2027-01-01", PeriodPrecision.Month, "end", "the end of 2026")]
    [InlineData("the first half of 2026", "2026-01-01", "2026-07-01", PeriodPrecision.Half, "first_half", "the first half of 2026")]
    [InlineData("the second half of 2026", "2026-07-01", "2027-01-01", PeriodPrecision.Half, "second_half", "the second half of 2026")]
    [InlineData("Q3 2026", "2026-07-01", "2026-10-01", PeriodPrecision.Quarter, "q3", "Q3 2026")]
    [InlineData("the third quarter of 2026", "2026-07-01", "2026-10-01", PeriodPrecision.Quarter, "q3", "Q3 2026")]
    [InlineData("early September 2026", "2026-09-01", "2026-09-11", PeriodPrecision.Span, "early", "early September 2026")]
    [InlineData("mid-September 2026", "2026-09-11", "2026-09-21", PeriodPrecision.Span, "mid", "mid-September 2026")]
    [InlineData("late September 2026", "2026-09-21", "2026-10-01", PeriodPrecision.Span, "late", "late September 2026")]
    [InlineData("the week of 22 July 2024", "2024-07-22", "2024-07-29", PeriodPrecision.Week, "week", "the week of 22 July 2024")]
    [InlineData("the early 1990s", "1990-01-01", "1994-01-01", PeriodPrecision.Span, "early", "the early 1990s")]
    public void Parts_of_periods(string text, string start, string end, PeriodPrecision precision, string part, string display)
    {
        var r = Read(text);
        Period(r, start, end);
        Assert.Equal(precision, r.Precision);
        Assert.Equal(part, r.Part);
        Assert.Equal(display, r.Display);
    }

    [Theory]
    [InlineData("Anfang 2026", "2026-01-01", "2026-02-01", "beginning")]
    [InlineData("Mitte 2026", "2026-05-01", "2026-09-01", "mid")]
    [InlineData("Ende 2026", "2026-12-01", "2027-01-01", "end")]
    [InlineData("Ende September 2026", "2026-09-21", "2026-10-01", "end")]
    [InlineData("im dritten Quartal 2026", "2026-07-01", "2026-10-01", "q3")]
    [InlineData("im ersten Halbjahr 2026", "2026-01-01", "2026-07-01", "first_half")]
    public void German_parts_of_periods(string text, string start, string end, string part)
    {
        var r = Read(text, "de");
        Period(r, start, end);
        Assert.Equal(part, r.Part);
    }

    [Theory]
    [InlineData("fin 2026", "2026-12-01", "2027-01-01", "end")]
    [InlineData("début 2026", "2026-01-01", "2026-02-01", "beginning")]
    [InlineData("mi-2026", "2026-05-01", "2026-09-01", "mid")]
    [InlineData("fin septembre 2026", "2026-09-21", "2026-10-01", "end")]
    [InlineData("au troisième trimestre 2026", "2026-07-01", "2026-10-01", "q3")]
    public void French_parts_of_periods(string text, string start, string end, string part)
    {
        var r = Read(text, "fr");
        Period(r, start, end);
        Assert.Equal(part, r.Part);
    }

    [Fact]
    public void Ende_September_without_a_year_takes_it_from_the_report()
    {
        var r = Read("Ende September", "de", Sept12);
        Period(r, "2024-09-21", "2024-10-01");
    }

    [Theory]
    [InlineData("22-23 July 2024", "en", "2024-07-22", "2024-07-24", "22-23 July 2024")]
    [InlineData("July 22-23, 2024", "en", "2024-07-22", "2024-07-24", "22-23 July 2024")]
    [InlineData("from 22 to 23 July 2024", "en", "2024-07-22", "2024-07-24", "22-23 July 2024")]
    [InlineData("between 1 and 5 March 2024", "en", "2024-03-01", "2024-03-06", "1-5 March 2024")]
    [InlineData("22 July - 3 August 2024", "en", "2024-07-22", "2024-08-04", "22 July - 3 August 2024")]
    [InlineData("from July to September 2024", "en", "2024-07-01", "2024-10-01", "July to September 2024")]
    [InlineData("2014-2017", "en", "2014-01-01", "2018-01-01", "2014 to 2017")]
    [InlineData("vom 22. bis 23. Juli 2024", "de", "2024-07-22", "2024-07-24", "22-23 July 2024")]
    [InlineData("du 22 au 23 juillet 2024", "fr", "2024-07-22", "2024-07-24", "22-23 July 2024")]
    public void Multi_day_spans(string text, string language, string start, string end, string display)
    {
        var r = Read(text, language);
        Period(r, start, end);
        Assert.Equal(PeriodPrecision.Span, r.Precision);
        Assert.Equal(TimeModifier.On, r.Modifier);
        Assert.Equal(display, r.Display);
    }

    [Fact]
    public void Between_two_days_without_a_year_uses_the_report()
    {
        Period(Read("between 1 and 5 March", report: September), "2024-03-01", "2024-03-06");
    }

    [Fact]
    public void Approximate_dates_carry_a_flag_and_keep_their_period()
    {
        var r = Read("around the end of 2026");
        Assert.True(r.Approximate);
        Period(r, "2026-12-01", "2027-01-01");
        Assert.Contains("the period is not widened", r.Explanation);
        var mid = Read("about mid-2026");
        Assert.True(mid.Approximate);
        Assert.Equal("mid-2026", mid.Display);
        Assert.True(Read("by around the end of 2026").Approximate);
    }

    [Fact]
    public void A_time_of_day_with_its_zone_tells_when_two_days_may_be_one_moment()
    {
        var baghdad = Read("4 a.m. Thursday", report: PartialDate.ParseOrNull("2024-01-28"));
        Period(baghdad, "2024-01-25", "2024-01-26");
        Assert.Equal(new TimeOnly(4, 0), baghdad.TimeOfDay!.Time);
        Assert.Null(baghdad.TimeOfDay.UtcOffset);

        var gmt = Read("at 04:00 GMT on 28 January 2024");
        Assert.Equal(TimeSpan.Zero, gmt.TimeOfDay!.UtcOffset);
        var local = Read("28 January 2024 at 16:30 local time");
        Assert.Equal("local time", local.TimeOfDay!.Zone);
        Assert.Null(local.TimeOfDay.UtcOffset);

        // 11 p.m. on 27 January in Washington (UTC-5) is 07:00 on 28 January in Baghdad (UTC+3)
        var washington = Read("27 January 2024 at 11 p.m. EST");
        var iraq = Read("28 January 2024 at 07:00 Baghdad time");
        Assert.True(washington.MayOverlap(iraq));
        Assert.False(washington.MayOverlap(Read("28 January 2024 at 09:00 Baghdad time")));
        // days in unstated zones may meet when they are next to each other (and, between UTC-12 and UTC+14, even one
        // day apart), never three days apart
        Assert.True(Read("27 January 2024").MayOverlap(Read("28 January 2024")));
        Assert.False(Read("25 January 2024").MayOverlap(Read("28 January 2024")));
    }

    [Fact]
    public void A_local_time_with_its_GMT_equivalent_gives_the_offset()
    {
        var r = Read("28 January 2024 at 4 a.m. (0100 GMT)");
        Assert.Equal(TimeSpan.FromHours(3), r.TimeOfDay!.UtcOffset);
        var et = Read("1 July 2024 at 10:00 ET");
        Assert.Equal(TimeSpan.FromHours(-4), et.TimeOfDay!.UtcOffset);
        Assert.Equal(new TimeOnly(16, 30), Read("am 17. September 2024 um 16.30 Uhr", "de").TimeOfDay!.Time);
    }

    [Theory]
    [InlineData("today", "2024-09-12", "2024-09-13")]
    [InlineData("yesterday", "2024-09-11", "2024-09-12")]
    [InlineData("on Monday", "2024-09-09", "2024-09-10")]
    [InlineData("last Thursday", "2024-09-05", "2024-09-06")]
    [InlineData("last week", "2024-09-02", "2024-09-09")]
    [InlineData("earlier this month", "2024-09-01", "2024-09-12")]
    [InlineData("this month", "2024-09-01", "2024-10-01")]
    [InlineData("last month", "2024-08-01", "2024-09-01")]
    [InlineData("last year", "2023-01-01", "2024-01-01")]
    [InlineData("next year", "2025-01-01", "2026-01-01")]
    [InlineData("in two weeks", "2024-09-26", "2024-09-27")]
    [InlineData("two weeks ago", "2024-08-29", "2024-08-30")]
    [InlineData("by the end of the year", "2024-12-01", "2025-01-01")]
    public void Relative_dates_resolve_against_the_report(string text, string start, string end)
    {
        var r = Read(text, report: Sept12);
        Period(r, start, end);
        Assert.NotNull(r.Resolution);
    }

    [Fact]
    public void The_resolution_is_stated_in_words()
    {
        Assert.Equal("'earlier this month' in a report of 12 September 2024: 1-11 September 2024", Read("earlier this month", report: Sept12).Resolution);
        var future = Read("on Monday", report: Sept12, tense: DateTense.Future);
        Period(future, "2024-09-16", "2024-09-17");
    }

    [Fact]
    public void A_relative_date_in_a_report_dated_to_the_month_covers_every_day_it_could_be()
    {
        // "earlier this month" in a September 2024 report: some days of September 2024
        var r = Read("Earlier this month", report: September);
        Assert.Equal("2024-09", r.Enclosing.ToString());
        // "on Monday" in an April 2024 report: 1 April 2024 is a Monday, so every reading falls in April
        Assert.Equal("2024-04", Read("on Monday", report: April).Enclosing.ToString());
    }

    [Theory]
    [InlineData("heute", "de", "2024-09-12")]
    [InlineData("gestern", "de", "2024-09-11")]
    [InlineData("am Montag", "de", "2024-09-09")]
    [InlineData("letzte Woche", "de", "2024-09-02")]
    [InlineData("im vergangenen Jahr", "de", "2023-01-01")]
    [InlineData("aujourd’hui", "fr", "2024-09-12")]
    [InlineData("hier", "fr", "2024-09-11")]
    [InlineData("lundi", "fr", "2024-09-09")]
    [InlineData("la semaine dernière", "fr", "2024-09-02")]
    [InlineData("l’année dernière", "fr", "2023-01-01")]
    [InlineData("plus tôt ce mois-ci", "fr", "2024-09-01")]
    public void German_and_French_relative_dates(string text, string language, string start) =>
        Assert.Equal(DateOnly.Parse(start), Read(text, language, Sept12).Start);

    [Fact]
    public void Claim_values_use_the_enclosing_partial_date()
    {
        var v = Read("by September 2026").ToClaimValue();
        Assert.Equal("2026-09", v.Date);
        Assert.Equal(TimeModifier.By, v.Modifier);
        Assert.True(new ClaimValueInput.Validator().Validate(v).IsValid);
        Assert.Equal("2026", Read("late 2026").ToClaimValue().Date);
    }

    [Theory]
    [InlineData("next Tuesday week")]
    [InlineData("29 February 2023")]
    [InlineData("sometime")]
    public void What_is_not_a_date_fails(string text) => Assert.False(DateExpression.Read(text, "en", Sept12).Ok);
}
