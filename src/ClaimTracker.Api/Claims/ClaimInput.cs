using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using FluentValidation;

namespace ClaimTracker.Api.Claims;

/// <summary>A new claim. Name the subject (or asserter) by name, alias or id; one of the two forms, not both.</summary>
/// <param name="Property">The property's key, e.g. troop_count.</param>
/// <param name="Evidence">At least one passage that supports the claim.</param>
/// <param name="Subject">The subject's name or alias.</param>
/// <param name="SubjectId">The subject's id.</param>
/// <param name="AssertedBy">Who asserts the claim, by name or alias; leave out for the source's own voice.</param>
/// <param name="AssertedById">Who asserts the claim, by id.</param>
/// <param name="ValidAt">When the fact holds, as one period (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="ValidFrom">When the fact starts to hold; with validTo, or open-ended.</param>
/// <param name="ValidTo">When the fact stops holding (the whole period included).</param>
/// <param name="StatedOn">When the asserter said it.</param>
/// <param name="Status">draft (default) or verified; retract with DELETE.</param>
/// <param name="Rank">preferred, normal (default) or deprecated.</param>
/// <param name="Attribution">Who the claim comes through, outermost first, down to the original speaker: "citing AP, citing the
/// US military" is [{"subject": "AP"}, {"subject": "US military"}]. Each voice is a subject by name, alias or id, or an
/// anonymous speaker by the report's description ({"anonymous": "a senior US official"}), a speaker of its own. The last is
/// the claim's asserter (leave assertedBy out). Independence counts the original speaker once.</param>
/// <param name="PartOf">The claim this one is a part of, by id: "five of them in the raid" of "seven wounded". A part is
/// judged against its whole (parts adding up to more than the whole conflict with it), never on its own.</param>
public sealed record CreateClaimRequest(
    string Property,
    ClaimValueInput Value,
    EvidenceInput[] Evidence,
    string? Subject = null,
    long? SubjectId = null,
    string? AssertedBy = null,
    long? AssertedById = null,
    string? ValidAt = null,
    string? ValidFrom = null,
    string? ValidTo = null,
    string? StatedOn = null,
    string? Location = null,
    string? Note = null,
    ClaimStatus Status = ClaimStatus.Draft,
    ClaimRank Rank = ClaimRank.Normal,
    AttributionInput[]? Attribution = null,
    long? PartOf = null)
{
    public sealed class Validator : AbstractValidator<CreateClaimRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Property).NotEmpty().MaximumLength(63);
            RuleFor(r => r.Value).SetValidator(new ClaimValueInput.Validator());
            RuleFor(r => r.Evidence).NotEmpty().WithMessage("must hold at least one supporting passage.")
                .MaxItems(50).WithMessage("must hold at most 50 items.");
            RuleForEach(r => r.Evidence).NotNull().WithMessage("must be an object, not null.");
            RuleFor(r => r.Evidence).Must(e => e.Any(x => x?.Stance == EvidenceStance.Supports)).When(r => r.Evidence.Length > 0)
                .WithMessage("must hold at least one passage that supports the claim.");
            RuleForEach(r => r.Evidence).SetValidator(new EvidenceInput.Validator());
            RuleFor(r => r.Subject).NotEmpty().When(r => r.SubjectId is null).WithMessage("or subjectId is required.");
            RuleFor(r => r.Subject).Null().When(r => r.SubjectId is not null).WithMessage("must be left out when subjectId is given.");
            RuleFor(r => r.Subject).MaximumLength(300);
            RuleFor(r => r.AssertedBy).Null().When(r => r.AssertedById is not null).WithMessage("must be left out when assertedById is given.");
            RuleFor(r => r.AssertedBy).MaximumLength(300);
            RuleFor(r => r.ValidAt).PartialDate();
            RuleFor(r => r.ValidFrom).PartialDate();
            RuleFor(r => r.ValidTo).PartialDate();
            RuleFor(r => r.ValidAt).Null().When(r => r.ValidFrom is not null || r.ValidTo is not null)
                .WithMessage("must be left out when validFrom or validTo is given.");
            RuleFor(r => r.StatedOn).PartialDate();
            RuleFor(r => r.Location).MaximumLength(300);
            RuleFor(r => r.Note).MaximumLength(5_000);
            RuleFor(r => r.Status).IsInEnum().NotEqual(ClaimStatus.Retracted).WithMessage("must be draft or verified; retract with DELETE.");
            RuleFor(r => r.Rank).IsInEnum();
            RuleFor(r => r.Attribution).NotEmpty().When(r => r.Attribution is not null).WithMessage("must name at least one voice, or be left out.")
                .MaxItems(5).WithMessage("must hold at most 5 voices.");
            RuleForEach(r => r.Attribution).NotNull().WithMessage("must be an object, not null.").SetValidator(new AttributionInput.Validator());
            RuleFor(r => r.AssertedBy).Null().When(r => r.Attribution is not null).WithMessage("must be left out when attribution is given: its last voice is the asserter.");
            RuleFor(r => r.AssertedById).Null().When(r => r.Attribution is not null).WithMessage("must be left out when attribution is given: its last voice is the asserter.");
            RuleFor(r => r.PartOf).GreaterThan(0).When(r => r.PartOf is not null);
        }
    }
}

/// <summary>One voice of an attribution chain: a subject by name or alias, by id, or an anonymous speaker.</summary>
/// <param name="Subject">A subject's name or alias, e.g. Reuters.</param>
/// <param name="SubjectId">A subject's id.</param>
/// <param name="Anonymous">An unnamed speaker as the report describes them, e.g. "a senior US official": a speaker of their own,
/// distinct from every other unless a curator says they are the same (PATCH /subjects/{id} with sameAs).</param>
public sealed record AttributionInput(string? Subject = null, long? SubjectId = null, string? Anonymous = null)
{
    public sealed class Validator : AbstractValidator<AttributionInput>
    {
        public Validator()
        {
            RuleFor(a => a).Must(a => (a.Subject is null ? 0 : 1) + (a.SubjectId is null ? 0 : 1) + (a.Anonymous is null ? 0 : 1) == 1)
                .OverridePropertyName("subject").WithMessage("give exactly one of subject, subjectId or anonymous.");
            RuleFor(a => a.Subject).MaximumLength(300);
            RuleFor(a => a.Anonymous).MaximumLength(300).Must(a => a!.Trim().Length > 0).When(a => a.Anonymous is not null).WithMessage("must not be blank.");
        }
    }
}

/// <summary>
/// The one input form of a claim, shared by POST /claims, PATCH /claims/{id} (a merge patch over it), the import's
/// claim lines and the seed files: each reads its JSON (or YAML) into this record with the same strict options and
/// checks it with the same validator.
/// </summary>
public static class ClaimInputs
{
    /// <summary>Fields that a patch does not change: evidence is added with POST /claims/{id}/evidence.</summary>
    public static readonly string[] Unpatchable = ["evidence"];

    /// <summary>Groups of fields that name one thing two ways: setting one in a patch drops the others.</summary>
    private static readonly string[][] Exclusive =
        [["subject", "subjectId"], ["assertedBy", "assertedById", "attribution"], ["validAt", "validFrom", "validTo"]];

    /// <summary>A stored claim in its input form (subject and asserter by id), the base a patch applies to.</summary>
    public static JsonObject From(ClaimDetail claim, JsonSerializerOptions json)
    {
        var v = claim.Value;
        var value = new ClaimValueInput(v.Kind, v.Amount, v.LowerBound, v.UpperBound, v.Unit, v.Approximation, v.Tolerance,
            v.Date, v.Modifier, v.Text, v.Stance, v.Proposition, v.StatedAs, v.Expression);
        // A chain of more than one voice, or an anonymous speaker, is kept as the chain; a single named voice as assertedById.
        var chain = claim.Attribution is { Length: > 1 } || claim.Attribution is [{ Anonymous: true }]
            ? claim.Attribution.Select(a => new AttributionInput(SubjectId: a.Id)).ToArray()
            : null;
        var input = new CreateClaimRequest(claim.Property.Key, value, [], SubjectId: claim.Subject.Id,
            AssertedById: chain is null ? claim.AssertedBy?.Id : null,
            ValidFrom: claim.ValidTime?.From?.Date, ValidTo: claim.ValidTime?.To?.Date, StatedOn: claim.StatedOn?.Date,
            Location: claim.Location, Note: claim.Note, Status: claim.Status, Rank: claim.Rank, Attribution: chain, PartOf: claim.PartOf);
        var node = JsonSerializer.SerializeToNode(input, json)!.AsObject();
        // Only what the claim has: absent fields stay absent, so the merged result reads like a request a client sent.
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList()) node.Remove(key);
        return node;
    }

    /// <summary>
    /// JSON Merge Patch (RFC 7396) of a claim's input form: a member set to null (or "" for an optional text) is
    /// removed, any other member replaces the one it names. A value is one thing and is replaced as a whole, so that
    /// a new figure does not keep the old one's wording or bounds. Setting one way of naming a subject, an asserter or
    /// a valid time drops the other ways.
    /// </summary>
    public static JsonObject Merge(JsonObject current, JsonObject patch)
    {
        var merged = current.DeepClone().AsObject();
        foreach (var (key, change) in patch)
        {
            foreach (var group in Exclusive.Where(g => g.Contains(key)))
            {
                // Members the patch itself sets are its own to judge (validFrom with validTo), never dropped unread.
                foreach (var other in group.Where(o => o != key && !patch.ContainsKey(o))) merged.Remove(other);
            }
            if (change is null || change is JsonValue text && text.TryGetValue<string>(out var s) && s.Length == 0) merged.Remove(key);
            else merged[key] = change.DeepClone();
        }
        return merged;
    }
}
