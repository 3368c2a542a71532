// curl started as a separate process in a chosen working folder, so a test knows its process id.
using System.Diagnostics;

namespace Tokentap.Engine.Tests.Clients;

/// <summary>A running curl whose proxy and trust variables come only from what the test passes.</summary>
internal sealed class ClientCurl : IDisposable
{
    private static readonly string[] ProxyVariables =
    {
        "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
        "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
    };

    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private ClientCurl(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    public int ProcessId => _process.Id;

    public static ClientCurl Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("curl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var variable in ProxyVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in new[] { "--silent", "--show-error", "--max-time", "20" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return new ClientCurl(Process.Start(start)!);
    }

    /// <summary>Waits for curl to exit and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output, string Error)> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (_process.ExitCode, await _output, await _error);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
