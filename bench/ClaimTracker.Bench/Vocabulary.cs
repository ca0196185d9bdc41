using ClaimTracker.Api.Vocabulary;

namespace ClaimTracker.Bench;

/// <summary>A property of the corpus: the product's fourteen and thirty-six more, in order of popularity.</summary>
/// <param name="Lo">Smallest typical value (quantities).</param>
/// <param name="Hi">Largest typical value (quantities).</param>
/// <param name="Linear">Values spread evenly between Lo and Hi (rates), not on a log scale (counts).</param>
/// <param name="Template">The claim sentence: {S} the subject, {V} the value as stated.</param>
public sealed record PropertyDef(
    string Key, string Label, PropertyType Type, string? Unit, bool NonNegative, string Description,
    double Lo = 1, double Hi = 1000, bool Linear = false, string Template = "the {L} for {S} was {V}");

/// <summary>A subject: what claims are about, or who asserts them.</summary>
public sealed record SubjectDef(long Id, string Name, string Kind, string? Description, long? BroaderId, string[] Aliases);

public static class Vocabulary
{
    public static readonly PropertyDef[] Properties =
    [
        new("killed", "killed", PropertyType.Quantity, "people", true, "How many people an event killed.", 1, 5_000, Template: "{S} left {V} dead"),
        new("troop_count", "troop count", PropertyType.Quantity, "troops", true, "How many troops a force has in a place.", 50, 200_000, Template: "{S} numbered {V}"),
        new("statement", "statement", PropertyType.Text, null, true, "What someone said."),
        new("wounded", "wounded", PropertyType.Quantity, "people", true, "How many people an event wounded.", 1, 20_000, Template: "{S} left {V} wounded"),
        new("event_date", "event date", PropertyType.Time, null, true, "When an event took place.", Template: "{S} took place {V}"),
        new("position", "position", PropertyType.Stance, null, true, "Whether someone affirms or denies a proposition."),
        new("displaced", "displaced", PropertyType.Quantity, "people", true, "How many people were displaced.", 100, 2_000_000, Template: "{S} displaced {V}"),
        new("attack_count", "number of attacks", PropertyType.Quantity, "attacks", true, "How many attacks took place.", 1, 500, Template: "{S} saw {V}"),
        new("deadline", "deadline", PropertyType.Time, null, true, "By when something is to be done.", Template: "the deadline for {S} was set {V}"),
        new("arrested", "arrested", PropertyType.Quantity, "people", true, "How many people were arrested.", 1, 5_000, Template: "{S} led to {V} being arrested"),
        new("casualties", "casualties", PropertyType.Quantity, "people", true, "How many people were killed or wounded.", 1, 50_000, Template: "casualties in {S} reached {V}"),
        new("meeting", "meeting", PropertyType.Time, null, true, "When a meeting took place.", Template: "a meeting on {S} was held {V}"),
        new("start_date", "start date", PropertyType.Time, null, true, "When something began.", Template: "{S} began {V}"),
        new("refugees", "refugees", PropertyType.Quantity, "people", true, "How many refugees there are.", 100, 3_000_000, Template: "{S} counted {V} as refugees"),
        new("vote", "vote", PropertyType.Time, null, true, "When a body voted on a motion (the motion is in the claim's note).", Template: "the vote in {S} was held {V}"),
        new("budget", "budget", PropertyType.Quantity, "USD", true, "The money allocated.", 100_000, 50_000_000_000, Template: "the budget of {S} was {V}"),
        new("detained", "detained", PropertyType.Quantity, "people", true, "How many people are held.", 1, 10_000, Template: "{S} held {V} in detention"),
        new("end_date", "end date", PropertyType.Time, null, true, "When something ended or is to end.", Template: "{S} ended {V}"),
        new("missing", "missing", PropertyType.Quantity, "people", true, "How many people are missing.", 1, 5_000, Template: "{S} left {V} missing"),
        new("evacuated", "evacuated", PropertyType.Quantity, "people", true, "How many people were evacuated.", 10, 500_000, Template: "{S} evacuated {V}"),
        new("demand", "demand", PropertyType.Text, null, true, "What someone demanded."),
        new("aid_delivered", "aid delivered", PropertyType.Quantity, "tonnes", true, "How much aid was delivered.", 1, 100_000, Template: "aid to {S} reached {V}"),
        new("completed", "completed", PropertyType.Time, null, true, "When something that had a deadline was done.", Template: "{S} was completed {V}"),
        new("founded", "founded", PropertyType.Time, null, true, "When an organisation or coalition was formed.", Template: "{S} was founded {V}"),
        new("ceasefire_date", "ceasefire date", PropertyType.Time, null, true, "When a ceasefire took effect.", Template: "a ceasefire in {S} took effect {V}"),
        new("election_date", "election date", PropertyType.Time, null, true, "When an election is or was held.", Template: "elections in {S} were held {V}"),
        new("turnout", "turnout", PropertyType.Quantity, "percent", true, "Share of voters who voted.", 20, 95, Linear: true, Template: "turnout in {S} was {V}"),
        new("seats_won", "seats won", PropertyType.Quantity, "seats", true, "Seats a party won.", 1, 300, Template: "{S} won {V}"),
        new("votes_for", "votes for", PropertyType.Quantity, "votes", true, "Votes cast in favour.", 1, 400, Template: "{S} drew {V} in favour"),
        new("votes_against", "votes against", PropertyType.Quantity, "votes", true, "Votes cast against.", 1, 400, Template: "{S} drew {V} against"),
        new("vote_share", "vote share", PropertyType.Quantity, "percent", true, "Share of the vote won.", 1, 80, Linear: true, Template: "{S} took {V} of the vote"),
        new("approval_rating", "approval rating", PropertyType.Quantity, "percent", true, "Share approving in polls.", 5, 90, Linear: true, Template: "approval of {S} stood at {V}"),
        new("spending", "spending", PropertyType.Quantity, "USD", true, "Money spent.", 100_000, 10_000_000_000, Template: "spending on {S} reached {V}"),
        new("loan_amount", "loan amount", PropertyType.Quantity, "USD", true, "The size of a loan.", 1_000_000, 20_000_000_000, Template: "the loan to {S} was {V}"),
        new("damage_estimate", "damage estimate", PropertyType.Quantity, "USD", true, "Estimated cost of damage.", 100_000, 100_000_000_000, Template: "damage in {S} was put at {V}"),
        new("population", "population", PropertyType.Quantity, "people", true, "How many people live there.", 1_000, 30_000_000, Template: "{S} had a population of {V}"),
        new("rockets_fired", "rockets fired", PropertyType.Quantity, "rockets", true, "How many rockets were fired.", 1, 3_000, Template: "{S} saw {V} fired"),
        new("drones_downed", "drones downed", PropertyType.Quantity, "drones", true, "How many drones were shot down.", 1, 500, Template: "{S} shot down {V}"),
        new("vehicles_destroyed", "vehicles destroyed", PropertyType.Quantity, "vehicles", true, "How many vehicles were destroyed.", 1, 2_000, Template: "{S} lost {V}"),
        new("area_controlled", "area controlled", PropertyType.Quantity, "square kilometres", true, "Territory held.", 1, 100_000, Template: "{S} controlled {V}"),
        new("oil_output", "oil output", PropertyType.Quantity, "barrels per day", true, "Oil produced.", 1_000, 5_000_000, Template: "{S} produced {V}"),
        new("inflation_rate", "inflation rate", PropertyType.Quantity, "percent", false, "Yearly change in prices.", -5, 300, Linear: true, Template: "inflation in {S} ran at {V}"),
        new("unemployment_rate", "unemployment rate", PropertyType.Quantity, "percent", true, "Share of the workforce without work.", 1, 60, Linear: true, Template: "unemployment in {S} stood at {V}"),
        new("agreement_signed", "agreement signed", PropertyType.Time, null, true, "When an agreement was signed.", Template: "the agreement on {S} was signed {V}"),
        new("announced", "announced", PropertyType.Time, null, true, "When something was announced.", Template: "{S} was announced {V}"),
        new("withdrawal", "withdrawal", PropertyType.Time, null, true, "When forces are to leave or left.", Template: "withdrawal from {S} was due {V}"),
        new("resigned", "resigned", PropertyType.Time, null, true, "When someone resigned.", Template: "{S} resigned {V}"),
        new("explanation", "explanation", PropertyType.Text, null, true, "How someone explained an event."),
        new("endorsement", "endorsement", PropertyType.Stance, null, true, "Whether someone endorses a plan."),
        new("acknowledgement", "acknowledgement", PropertyType.Stance, null, true, "Whether someone acknowledges a fact."),
    ];
}
