// How the dashboard opens the default browser on each system, and why it prints the address instead when it cannot.
using Tokentap.Engine.Dashboard;

namespace Tokentap.Engine.Tests.Dashboard;

public sealed class BrowserLauncherTests
{
    private const string Url = "http://127.0.0.1:8790/?token=abc";

    [Fact]
    public void Linux_without_a_graphical_session_gives_the_reason()
    {
        var (start, reason) = BrowserLauncher.Plan(Url, "linux", _ => null, _ => "/usr/bin/xdg-open");

        Assert.Null(start);
        Assert.Equal("There is no graphical session here (DISPLAY and WAYLAND_DISPLAY are not set).", reason);
    }

    [Fact]
    public void Linux_without_xdg_open_gives_the_reason()
    {
        var (start, reason) = BrowserLauncher.Plan(Url, "linux", name => name == "WAYLAND_DISPLAY" ? "wayland-0" : null, _ => null);

        Assert.Null(start);
        Assert.Equal("xdg-open is not installed, so the default browser cannot be found.", reason);
    }

    [Fact]
    public void Linux_desktop_uses_xdg_open_with_the_url_as_one_argument()
    {
        var (start, reason) = BrowserLauncher.Plan(Url, "linux", name => name == "DISPLAY" ? ":0" : null, _ => "/usr/bin/xdg-open");

        Assert.Null(reason);
        Assert.Equal("/usr/bin/xdg-open", start!.FileName);
        Assert.Equal([Url], start.ArgumentList);
        Assert.False(start.UseShellExecute);
    }

    [Fact]
    public void MacOS_uses_open_and_Windows_the_shell()
    {
        var (mac, _) = BrowserLauncher.Plan(Url, "macos", _ => null, _ => null);
        var (windows, _) = BrowserLauncher.Plan(Url, "windows", _ => null, _ => null);

        Assert.Equal("open", mac!.FileName);
        Assert.Equal([Url], mac.ArgumentList);
        Assert.Equal(Url, windows!.FileName);
        Assert.True(windows.UseShellExecute);
    }
}
