namespace ClaimTracker.Tests.Suggestions;

/// <summary>
/// The seed claims files (seeds/claims/*.yaml) as the recognizer's scoring reads them: only the fields it compares.
/// The app reads the same files into its own request records (Seeds/SeedClaims.cs).
/// </summary>
public sealed class SeedFile
{
    public List<SeedSubject> Subjects { get; set; } = [];
    public List<SeedClaim> Claims { get; set; } = [];
}

public sealed class SeedSubject
{
    public string Name { get; set; } = "";
    public string? Kind { get; set; }
    public List<string>? Aliases { get; set; }
}

public sealed class SeedClaim
{
    public string? Key { get; set; }
    public string? AddEvidenceTo { get; set; }
    public SeedValue? Value { get; set; }
    public List<SeedEvidence> Evidence { get; set; } = [];
}

public sealed class SeedValue
{
    public string Kind { get; set; } = "";
    public decimal? Amount { get; set; }
    public decimal? LowerBound { get; set; }
    public decimal? UpperBound { get; set; }
    public string? Approximation { get; set; }
    public string? Date { get; set; }
    public string? Modifier { get; set; }
}

public sealed class SeedEvidence
{
    public string Exact { get; set; } = "";
    public string? Prefix { get; set; }
}
