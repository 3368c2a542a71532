// Runs script text in the real pwsh console (tests/Tokentap.Pwsh) as its own process, as a user's shell would.
namespace Tokentap.PowerShell.Tests;

public static class PwshProcess
{
    /// <summary>
    /// pwsh -NoLogo [-NoProfile] -NonInteractive -Command SCRIPT. Its output is redirected, so pwsh formats it at
    /// 80 columns, as it does for `pwsh -c ... > file`. Returns the exit code and both streams.
    /// </summary>
    public static ChildResult Run(string script, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, int timeoutSeconds = 120, bool profile = false)
    {
        var arguments = new List<string> { "-NoLogo", "-NonInteractive" };
        if (!profile)
        {
            arguments.Add("-NoProfile");
        }

        arguments.AddRange(["-Command", script]);
        return ChildProcess.Run(TestPrograms.Pwsh, arguments, environment, workingDirectory, timeoutSeconds);
    }
}
