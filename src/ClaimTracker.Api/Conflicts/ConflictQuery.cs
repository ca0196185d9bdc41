using System.Globalization;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <summary>Reads conflicts with both their claims: two statements for a whole page.</summary>
public static class ConflictQuery
{
    internal sealed class Row
    {
        public long Id { get; init; }
        public long ClaimA { get; init; }
        public long ClaimB { get; init; }
        public string Rule { get; init; } = "";
        public string Scope { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Note { get; init; }
        public long? PreferredClaimId { get; init; }
        public string? ClosedReason { get; init; }
        public int Version { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public string? UpdatedBy { get; init; }
        public string Certainty { get; init; } = "certain";
        public string? CertaintyReason { get; init; }
    }

    internal const string Select = """
        select f.id, f.claim_a, f.claim_b, f.rule, f.scope, f.status, f.note, f.preferred_claim_id, f.closed_reason,
               f.version, f.created_at, f.updated_at, u.name as updated_by, f.certainty, f.certainty_reason
        from conflicts f left join curators u on u.id = f.updated_by
        """;

    public static async Task<ConflictDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, CancellationToken ct) =>
        (await ManyAsync(connection, tx, "where f.id = @id", new { id }, ct)).FirstOrDefault();

    public static async Task<List<ConflictDetail>> ManyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string whereAndOrder, object parameters, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(Select + " " + whereAndOrder, parameters, tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return [];
        var ids = rows.SelectMany(r => new[] { r.ClaimA, r.ClaimB }).Distinct().ToArray();
        var claims = (await ClaimQuery.ManyAsync(connection, tx, "where c.id = any(@ids)", new { ids }, ct)).ToDictionary(c => c.Id);
        return [.. rows.Select(r =>
        {
            var a = claims[r.ClaimA];
            var b = claims[r.ClaimB];
            var rule = DbEnum.Parse<ConflictRule>(r.Rule);
            return new ConflictDetail(r.Id, rule, DbEnum.Parse<ConflictScope>(r.Scope), DbEnum.Parse<ConflictStatus>(r.Status),
                Explain(rule, a, b), r.Note, r.PreferredClaimId, r.ClosedReason, r.Version, [a, b], r.CreatedAt, r.UpdatedAt, r.UpdatedBy,
                DbEnum.Parse<ConflictCertainty>(r.Certainty), r.CertaintyReason);
        })];
    }

    /// <summary>The rule in words, with these two claims' values.</summary>
    public static string Explain(ConflictRule rule, ClaimDetail a, ClaimDetail b)
    {
        string Range(ClaimValueView v) => $"{N(v.Low, "no minimum")} to {N(v.High, "no maximum")}{(v.Unit is null ? "" : " " + v.Unit)}";
        static string N(decimal? d, string none) => d?.ToString("#,0.##", CultureInfo.InvariantCulture) ?? none;
        string When(ClaimValueView v) =>
            (v.Modifier is null or TimeModifier.On ? "" : v.Modifier.Value.Db() + " ") +
            (v.Period?.Display is { Length: > 0 } display ? display : PartialDate.TryParse(v.Date, out var d) ? DateView.Describe(d) : v.Date ?? "?");
        string Due(ClaimValueView v) => v.Period?.Due?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? When(v);
        return rule switch
        {
            ConflictRule.NoneVsValue => a.Value.Kind == ValueKind.None
                ? $"Claim {a.Id} says there is none; claim {b.Id} states a value."
                : $"Claim {b.Id} says there is none; claim {a.Id} states a value.",
            ConflictRule.Quantity => $"The figures cannot both be right: claim {a.Id} allows {Range(a.Value)}, claim {b.Id} allows {Range(b.Value)}, and the ranges do not meet.",
            ConflictRule.Time when a.Value.Period?.Due is not null && b.Value.Period?.Due is not null && a.Property.Key == b.Property.Key
                                   && (a.Value.Modifier == TimeModifier.By || b.Value.Modifier == TimeModifier.By || a.Property.Key == "deadline") =>
                $"The deadlines fall due on different days: {When(a.Value)}, due {Due(a.Value)} (claim {a.Id}), against {When(b.Value)}, due {Due(b.Value)} (claim {b.Id}).",
            ConflictRule.Time => $"The dates cannot both hold: {When(a.Value)} (claim {a.Id}) against {When(b.Value)} (claim {b.Id}).",
            ConflictRule.Breakdown when (b.PartOf == a.Id ? (a, b) : (b, a)) is var (whole, part) =>
                $"The parts add up to more than the whole: claim {whole.Id} allows at most {N(whole.Value.High, "any number")}, " +
                $"and its parts (claim {part.Id} among them) at least more than that together.",
            ConflictRule.ExceedsBroader when (a.Value.High < b.Value.Low ? (a, b) : (b, a)) is var (total, narrower) =>
                $"A narrower subject is given more than its broader subject's total: {narrower.Subject.Name} at least " +
                $"{N(narrower.Value.Low, "any number")} (claim {narrower.Id}), {total.Subject.Name} at most {N(total.Value.High, "any number")} (claim {total.Id}).",
            ConflictRule.Stance => $"Claim {(a.Value.Stance == Stance.Affirms ? a.Id : b.Id)} affirms and claim {(a.Value.Stance == Stance.Affirms ? b.Id : a.Id)} denies that {a.Value.Proposition}.",
            _ => "A curator linked these claims as contradicting each other.",
        };
    }
}
