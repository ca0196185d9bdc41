using ClaimTracker.Api.Changes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Figures;
using ClaimTracker.Api.Health;
using ClaimTracker.Api.Imports;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Reconciled;
using ClaimTracker.Api.Seeds;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Timeline;
using ClaimTracker.Api.Vocabulary;

// Administrative commands (migrate, keys) share the app's configuration but never start the web server.
var (command, hostArgs) = Cli.Split(args);

var builder = WebApplication.CreateBuilder(hostArgs);
try
{
    builder.AddClaimTrackerServices();
}
catch (SettingsException e)
{
    // A setting that cannot be used stops start-up with its name, before anything is started.
    Console.Error.WriteLine($"ClaimTracker cannot start: {e.Message}");
    return 1;
}

// Disposed on every way out: the console logger writes from a queue of its own, and a failed start's one line
// was lost when the process exited before that queue was written out.
await using var app = builder.Build();

if (command is not null)
{
    return await Cli.RunAsync(app, command);
}

// Migrations and seeds run before the first request is accepted; the OpenAPI contract test skips them.
var database = app.Services.GetRequiredService<Database>();
try
{
    await database.OpenAsync(app.Lifetime.ApplicationStopping);
}
catch (Exception e) when (e is MigrationException or EmbeddedPostgresException or SeedException or Npgsql.NpgsqlException)
{
    // A message a user can act on, not a stack trace; and the embedded server, if started, stops with the app.
    app.Logger.LogCritical("ClaimTracker cannot start: {Reason}", e.Message);
    await database.DisposeAsync();
    return 1;
}

app.UseClaimTrackerPipeline();

app.MapHealth();
app.MapSources();
app.MapSuggestions();
app.MapPassages();
app.MapSubjects();
app.MapProperties();
app.MapClaims();
app.MapConflicts();
app.MapTimeline();
app.MapFigures();
app.MapReconciled();
app.MapChanges();
app.MapImport();

app.Run();
return 0;

public partial class Program;
