using Microsoft.Playwright;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// One headless Chromium per test class, driven by Playwright. It is the machine's own browser (see
/// <see cref="ChromiumExecutable"/>: installed from Debian's package when missing), not a Playwright download: the
/// tests must run offline.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _notice;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async ValueTask InitializeAsync()
    {
        var executable = await ChromiumExecutable.EnsureAsync(Say);
        _playwright = await Playwright.CreateAsync();
        // A non-persistent launch gets a fresh temporary profile (user-data-dir), removed when the browser closes.
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// What the install said goes into the output of the class's first test (a fixture has no output of its own),
    /// shown by 'dotnet test --output Detailed' and kept in the test reports.
    /// </summary>
    private void Say(string message)
    {
        TestContext.Current.SendDiagnosticMessage(message);
        _notice = _notice is null ? message : $"{_notice}\n{message}";
    }

    /// <summary>A page in a context of its own (fresh local storage), at the app's address.</summary>
    public async Task<WebPage> OpenAsync(Uri baseAddress, int width = 1280, int height = 900)
    {
        if (Interlocked.Exchange(ref _notice, null) is { } notice) TestContext.Current.TestOutputHelper?.WriteLine(notice);
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return new WebPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>A page of the app, recording what the browser reported (script errors, policy violations).</summary>
public sealed class WebPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _console = [];

    public IPage Page { get; }

    public WebPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") lock (_console) _console.Add($"{message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => { lock (_console) _console.Add($"page error: {error}"); };
    }

    /// <summary>Opens a URL of the page and waits until its view has rendered.</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(path);
        await ViewReadyAsync();
    }

    /// <summary>Waits for the view to finish rendering (main[data-ready] is set once its data is drawn).</summary>
    public Task ViewReadyAsync(string? view = null) =>
        Page.Locator(view is null ? "main[data-ready]" : $"main[data-ready][data-view='{view}']").WaitForAsync();

    /// <summary>Enters a curator key the way a user does: the masthead button, the dialog, Save.</summary>
    public async Task EnterKeyAsync(string key)
    {
        await Page.Locator("#key-button").ClickAsync();
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#key-label")).ToHaveTextAsync("Curator key set");
    }

    /// <summary>
    /// Fails on any script error and any Content-Security-Policy violation (the page declares default-src 'self').
    /// Failed API calls the test provoked on purpose are expected and allowed when <paramref name="apiErrors"/>.
    /// </summary>
    public void AssertNoErrors(bool apiErrors = false, Func<string, bool>? expected = null)
    {
        List<string> reported;
        lock (_console) reported = [.. _console.Where(m => !(apiErrors && m.Contains("Failed to load resource")) && expected?.Invoke(m) != true)];
        Assert.True(reported.Count == 0, "The browser reported:\n" + string.Join("\n", reported));
    }

    /// <summary>Saves a screenshot to artifacts/screenshots/{name}.png at the repository root and checks its size.</summary>
    public async Task<string> ScreenshotAsync(string name, bool fullPage = true)
    {
        var path = Path.Combine(Screenshots.Folder, $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        var size = new FileInfo(path).Length;
        Assert.True(size is > 10_000 and < 5_000_000, $"{path} is {size} bytes; a real screenshot is between 10 KB and 5 MB.");
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

public static class Screenshots
{
    /// <summary>artifacts/screenshots under the folder holding ClaimTracker.sln, found by walking up from the test binaries.</summary>
    public static string Folder { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClaimTracker.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName;
            }
        }
        throw new InvalidOperationException($"No ClaimTracker.sln above {AppContext.BaseDirectory}.");
    }
}
