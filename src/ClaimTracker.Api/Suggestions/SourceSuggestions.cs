using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Suggestions;

/// <summary>
/// The suggestions of a source revision, computed on read: the recognizer over the revision's text with today's
/// subjects, aliases and vocabulary from the database, each suggestion turned into the claim it proposes, and marked
/// claimed, accepted or dismissed. Nothing of it is stored but the curators' decisions (suggestion_decisions), so a
/// subject or alias added later shows in the next read, and the same inputs always give the same suggestions and ids.
/// </summary>
public static class SourceSuggestions
{
    /// <summary>A revision's suggestions with what they were computed from.</summary>
    /// <param name="CreatedBy">The source's curator: the writer of a preview's rolled-back claims (a read has no curator).</param>
    public sealed record Computed(long SourceId, long RevisionId, int Revision, int Latest, long CreatedBy, List<SuggestionView> Items);

    private sealed class RevisionRow
    {
        public long SourceId { get; init; }
        public string Language { get; init; } = "";
        public DateOnly? PublishedOn { get; init; }
        public string? PublishedPrecision { get; init; }
        public long CreatedBy { get; init; }
        public long RevisionId { get; init; }
        public int Number { get; init; }
        public int Latest { get; init; }
        public string Body { get; init; } = "";
    }

    private sealed class SubjectRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Kind { get; init; }
        public string[] Aliases { get; init; } = [];
    }

    private sealed class PropertyRow
    {
        public string Key { get; init; } = "";
        public string Label { get; init; } = "";
        public string ValueType { get; init; } = "";
        public string? Unit { get; init; }
    }

    /// <summary>Where a claim of the source stands in the revision, with its value.</summary>
    private sealed class EvidenceRow
    {
        public long ClaimId { get; init; }
        public int? StartOffset { get; init; }
        public int? EndOffset { get; init; }
        public string ValueKind { get; init; } = "";
        public decimal? Amount { get; init; }
        public decimal? LowerBound { get; init; }
        public decimal? UpperBound { get; init; }
        public string? Approximation { get; init; }
        public decimal? Tolerance { get; init; }
        public DateOnly? TimeOn { get; init; }
        public string? TimePrecision { get; init; }
        public string? TimeModifier { get; init; }
        public string? TextValue { get; init; }
        public long? AssertedBy { get; init; }
    }

    private sealed class DecisionRow
    {
        public string Suggestion { get; init; } = "";
        public string Decision { get; init; } = "";
        public long? ClaimId { get; init; }
        public string? Reason { get; init; }
        public string By { get; init; } = "";
        public DateTime At { get; init; }
    }

    /// <returns>Null when the source, or the revision asked for, does not exist.</returns>
    public static async Task<Computed?> ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long sourceId, int? revision, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition("""
            select s.id as source_id, s.language, s.published_on, s.published_precision, s.created_by,
                   r.id as revision_id, r.number, r.body, l.latest
            from sources s
            cross join lateral (select max(number) as latest from source_revisions where source_id = s.id) l
            join source_revisions r on r.source_id = s.id and r.number = coalesce(@revision, l.latest)
            where s.id = @sourceId
            """, new { sourceId, revision }, tx, cancellationToken: ct));
        if (row is null) return null;

        // Subjects in id order and aliases in order: the recognizer's ties then always fall the same way.
        var subjects = (await connection.QueryAsync<SubjectRow>(new CommandDefinition("""
            select s.id, s.name, s.kind, coalesce(array_agg(a.alias order by a.alias) filter (where a.alias is not null), '{}') as aliases
            from subjects s left join subject_aliases a on a.subject_id = s.id
            group by s.id order by s.id
            """, transaction: tx, cancellationToken: ct)))
            .Select(s => new KnownSubject(s.Id, s.Name, s.Aliases, s.Kind)).ToList();
        var properties = (await connection.QueryAsync<PropertyRow>(new CommandDefinition(
            "select key, label, value_type, unit from properties order by id", transaction: tx, cancellationToken: ct)))
            .Select(p => new KnownProperty(p.Key, p.Label, DbEnum.Parse<PropertyType>(p.ValueType), p.Unit)).ToList();

        // "en-GB" reads as English: the recognizer knows languages, not regions.
        var language = row.Language.Split('-')[0].ToLowerInvariant();
        var context = new RecognizerContext(PartialDate.FromDb(row.PublishedOn, row.PublishedPrecision), language, subjects, properties);
        var found = Recognizer.Find(row.Body, context);

        var evidence = (await connection.QueryAsync<EvidenceRow>(new CommandDefinition("""
            select c.id as claim_id,
                   case when p.revision_id = @revisionId then p.start_offset else a.start_offset end as start_offset,
                   case when p.revision_id = @revisionId then p.end_offset else a.end_offset end as end_offset,
                   c.value_kind, c.amount, c.lower_bound, c.upper_bound, c.approximation, c.tolerance,
                   c.time_on, c.time_precision, c.time_modifier, c.text_value, c.asserted_by
            from claim_evidence e
            join claims c on c.id = e.claim_id
            join passages p on p.id = e.passage_id
            left join passage_anchors a on a.passage_id = p.id and a.revision_id = @revisionId
            where e.source_id = @sourceId and e.stance = 'supports' and c.status <> 'retracted'
            order by c.id
            """, new { sourceId, revisionId = row.RevisionId }, tx, cancellationToken: ct)))
            .Where(e => e.StartOffset is not null).ToList();
        var decisions = (await connection.QueryAsync<DecisionRow>(new CommandDefinition("""
            select d.suggestion, d.decision, d.claim_id, d.reason, c.name as by, d.created_at as at
            from suggestion_decisions d join curators c on c.id = d.created_by
            where d.revision_id = @revisionId
            """, new { revisionId = row.RevisionId }, tx, cancellationToken: ct))).ToDictionary(d => d.Suggestion);

        var paragraphs = ParagraphStarts(row.Body);
        var ids = new Dictionary<string, int>();
        var items = new List<SuggestionView>(found.Count);
        foreach (var s in found)
        {
            // A date that dates a saying is the statedOn of the claims it governs, not a claim of its own.
            if (s.Kind == SuggestionKind.Time && s.Role == TimeRole.StatedOn) continue;
            var type = s.Kind switch { SuggestionKind.Quantity => SuggestionType.Quantity, SuggestionKind.Time => SuggestionType.Date, _ => SuggestionType.Attribution };
            var id = new SuggestionId(row.Number, SuggestionId.KindLetter(type), s.Match.Start, s.Match.End, 1);
            var key = id.ToString();
            ids[key] = ids.GetValueOrDefault(key) + 1;
            if (ids[key] > 1) id = id with { Repeat = ids[key] };
            items.Add(View(id.ToString(), type, s, row, properties, paragraphs, evidence, decisions));
        }
        return new Computed(row.SourceId, row.RevisionId, row.Number, row.Latest, row.CreatedBy, items);
    }

    private static SuggestionView View(string id, SuggestionType type, Suggestion s, RevisionRow row, List<KnownProperty> properties,
        int[] paragraphs, List<EvidenceRow> evidence, Dictionary<string, DecisionRow> decisions)
    {
        var reported = type == SuggestionType.Attribution ? s.Reported : null;
        var passage = reported?.Passage ?? s.Passage;
        var exact = reported?.Exact ?? s.Exact;
        var subject = type == SuggestionType.Attribution ? reported?.About : s.Subject;
        string? property;
        string? propertyReason;
        ClaimValueInput? value;
        switch (type)
        {
            case SuggestionType.Quantity:
                (property, propertyReason) = (s.Property?.Key, s.Property?.Reason);
                value = s.Quantity?.ToClaimValue();
                break;
            case SuggestionType.Date:
                (property, propertyReason) = (s.Property?.Key, s.Property?.Reason);
                value = s.Time?.ToClaimValue();
                break;
            default:
                // What someone said is a statement: its value is the words reported.
                var statement = properties.FirstOrDefault(p => p.Key == "statement" && p.ValueType == PropertyType.Text);
                property = reported is null ? null : statement?.Key;
                propertyReason = reported is null ? "the sentence holds no words the attribution reports"
                    : statement is null ? "the vocabulary has no statement property" : "an attribution reports what was said: a statement";
                value = reported is null ? null : new ClaimValueInput(ValueKind.Text, Text: Clip(reported.Text, 10_000));
                break;
        }
        var asserter = s.Asserter is { } a
            ? new ProposedAsserter(a.AsWritten, a.Anonymous, a.Speakers, Subject(a.Subject), a.Verb, a.Audience, a.StatedOn is { } on ? (on.Date ?? on.Enclosing).ToString() : null)
            : null;
        var validTime = s.ValidTime is { } v ? (v.Date ?? v.Enclosing).ToString() : null;
        // An asserter that is no known subject cannot be named in the claim: the note keeps who spoke.
        var note = asserter is { Subject: null } ? $"Asserted by {asserter.AsWritten}{(asserter.Anonymous ? " (an anonymous source)" : ", not a known subject")}, as the source says." : null;
        var claim = new ProposedClaim(property, value,
            [new EvidenceInput(SourceId: row.SourceId, Start: passage.Start, End: passage.End)],
            subject?.Id, asserter?.Subject?.Id, validTime, asserter?.StatedOn, note, ClaimStatus.Draft);
        string[] missing = [.. new[] { subject is null ? "subject" : null, property is null ? "property" : null, value is null ? "value" : null }.OfType<string>()];

        var claimedBy = evidence
            .Where(e => e.StartOffset < passage.End && passage.Start < e.EndOffset && Same(e, type, value, asserter?.Subject?.Id))
            .Select(e => e.ClaimId).Distinct().ToArray();
        var decision = decisions.GetValueOrDefault(id) is { } d
            ? new SuggestionDecision(d.Decision == "accepted" ? SuggestionState.Accepted : SuggestionState.Dismissed, d.ClaimId, d.Reason, d.By, d.At)
            : null;
        var state = decision?.State ?? (claimedBy.Length > 0 ? SuggestionState.Claimed : SuggestionState.Open);
        var paragraph = Array.BinarySearch(paragraphs, s.Match.Start);
        if (paragraph < 0) paragraph = ~paragraph - 1;
        return new SuggestionView(id, type, state, new SpanView(passage.Start, passage.End, exact), new SpanView(s.Match.Start, s.Match.End, s.MatchText),
            Math.Max(paragraph, 0), Subject(subject), property, propertyReason, asserter, validTime, value, claim, missing,
            Math.Round(s.Confidence, 2), reported is null ? s.Reason : $"{s.Reason.TrimEnd('.')}; it reports \u201c{Clip(reported.Text, 120)}\u201d; subject: {(reported.About is null ? reported.Why : $"{reported.About.Name} ({reported.Why})")}.",
            claimedBy, decision, null);
    }

    private static ProposedSubject? Subject(SubjectMatch? m) => m is null ? null : new ProposedSubject(m.Id, m.Name, m.MatchedAs, m.Exact);

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "\u2026";

    /// <summary>
    /// Whether an existing claim states the suggestion's value: the same figure and bounds (and tolerance, for an
    /// approximate one), the same date and modifier, or, for an attribution, the same asserter or the same words.
    /// </summary>
    private static bool Same(EvidenceRow e, SuggestionType type, ClaimValueInput? value, long? asserter)
    {
        if (type == SuggestionType.Attribution)
        {
            return asserter is not null && e.AssertedBy == asserter
                || value?.Text is { } text && e.ValueKind == "text" && string.Equals(e.TextValue?.Trim(), text.Trim(), StringComparison.OrdinalIgnoreCase);
        }
        if (value is null) return false;
        if (type == SuggestionType.Quantity)
        {
            var approximation = value.EffectiveApproximation?.Db();
            return e.ValueKind == "quantity" && e.Approximation == approximation && e.Amount == value.Amount
                && e.LowerBound == value.LowerBound && e.UpperBound == value.UpperBound
                && (approximation != "approximate" || (e.Tolerance ?? FigureExpression.DefaultTolerance) == (value.Tolerance ?? FigureExpression.DefaultTolerance));
        }
        return e.ValueKind == "time" && PartialDate.FromDb(e.TimeOn, e.TimePrecision)?.ToString() == value.Date
            && (e.TimeModifier ?? "on") == (value.Modifier ?? TimeModifier.On).Db();
    }

    /// <summary>The code-point offset where each paragraph (a run of text between line breaks) starts.</summary>
    private static int[] ParagraphStarts(string body)
    {
        var starts = new List<int> { 0 };
        var cp = 0;
        var afterBreak = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (char.IsLowSurrogate(c)) continue;
            if (c is '\n' or '\r') afterBreak = true;
            else if (afterBreak && !char.IsWhiteSpace(c))
            {
                starts.Add(cp);
                afterBreak = false;
            }
            cp++;
        }
        return [.. starts];
    }
}
