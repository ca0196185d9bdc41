namespace ClaimTracker.Tests.Browser;

/// <summary>How the browser tests choose their Chromium: the setting first, then PATH, never a fixed path.</summary>
public sealed class ChromiumExecutableTests
{
    private const string SearchPath = "/opt/tools/bin:/usr/local/bin:/usr/bin";

    private static Func<string, bool> Only(params string[] files) => file => files.Contains(file);

    [Fact]
    public void The_setting_wins_over_whatever_is_on_path()
    {
        var found = ChromiumExecutable.Find("/home/ada/chrome-linux/chrome", SearchPath, Only("/home/ada/chrome-linux/chrome", "/usr/bin/chromium"));
        Assert.Equal("/home/ada/chrome-linux/chrome", found);
    }

    [Fact]
    public void A_setting_without_a_slash_is_looked_up_on_path()
    {
        Assert.Equal("/usr/local/bin/chrome-beta", ChromiumExecutable.Find(" chrome-beta ", SearchPath, Only("/usr/local/bin/chrome-beta", "/usr/bin/chromium")));
    }

    [Fact]
    public void A_setting_that_names_nothing_runnable_fails_naming_the_variable_instead_of_falling_back()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChromiumExecutable.Find("/nowhere/chromium", SearchPath, Only("/usr/bin/chromium")));
        Assert.Contains("CLAIMTRACKER_CHROMIUM is set to '/nowhere/chromium', which is not an executable file", error.Message);
        var bare = Assert.Throws<InvalidOperationException>(() => ChromiumExecutable.Find("chromium-dev", SearchPath, Only("/usr/bin/chromium")));
        Assert.Contains("which is not an executable file on PATH", bare.Message);
    }

    [Fact]
    public void Without_a_setting_chromium_comes_before_chromium_browser_and_google_chrome_in_any_path_folder()
    {
        Assert.Equal("/usr/bin/chromium", ChromiumExecutable.Find(null, SearchPath, Only("/opt/tools/bin/google-chrome", "/usr/local/bin/chromium-browser", "/usr/bin/chromium")));
        Assert.Equal("/usr/local/bin/chromium-browser", ChromiumExecutable.Find("", SearchPath, Only("/opt/tools/bin/google-chrome", "/usr/local/bin/chromium-browser")));
        Assert.Equal("/opt/tools/bin/google-chrome", ChromiumExecutable.Find("  ", SearchPath, Only("/opt/tools/bin/google-chrome")));
    }

    [Fact]
    public void The_first_path_folder_holding_a_name_wins()
    {
        Assert.Equal("/opt/tools/bin/chromium", ChromiumExecutable.Find(null, SearchPath, Only("/usr/bin/chromium", "/opt/tools/bin/chromium")));
    }

    [Fact]
    public void Nothing_on_path_is_nothing_found()
    {
        Assert.Null(ChromiumExecutable.Find(null, SearchPath, Only("/usr/lib/chromium/chromium", "/usr/bin/firefox")));
        Assert.Null(ChromiumExecutable.Find(null, null, Only("/usr/bin/chromium")));
        Assert.Null(ChromiumExecutable.Find(null, "::", Only("/usr/bin/chromium", "chromium")));
    }
}
