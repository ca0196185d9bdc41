using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>The app with its log kept for the test to read, the app's own lines (ClaimTracker.*) from Information up.</summary>
public class LoggedApiFactory(PostgresServer server) : ApiFactory(server)
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:ClaimTracker", "Information");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
