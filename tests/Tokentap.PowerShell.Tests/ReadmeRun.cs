// Runs the README's quick start and query lines once, literally, in the real pwsh, in a fresh copy of the repository,
// against the mock providers; ReadmeTests assert what each line produced.
using System.Text.Json;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

/// <summary>
/// One run for the whole class: copy the files `git ls-files` lists into a temp folder (so the build there leaves the
/// out/Tokentap the other tests loaded alone), then one pwsh process reads lines from its standard input and runs
/// each as a user's typed line (its own pipeline, formatted on its own): the quick-start line (build.ps1 builds the
/// module in the copy, NuGet packages come from the local cache), curl through the session variables to three
/// models, the query lines, Stop-Tokentap. The only additions are $PSDefaultParameterValues set before the literal
/// lines: Start-Tokentap's upstream mock and a free port, and an OutVariable on the last command of each query line
/// to keep its objects for exact assertions; the lines' formatted output goes to stdout as a user sees it.
/// </summary>
public sealed class ReadmeRun : IAsyncLifetime
{
    public const string Marker = "##readme:";

    private readonly Dictionary<string, string> _sections = new(StringComparer.Ordinal);

    public MockProviders Providers { get; private set; } = null!;

    /// <summary>The fresh copy of the repository the README ran in.</summary>
    public string Copy { get; } = Directory.CreateTempSubdirectory("tokentap-readme-copy-").FullName;

    /// <summary>TOKENTAP_HOME of the run.</summary>
    public string Home { get; } = Directory.CreateTempSubdirectory("tokentap-readme-home-").FullName;

    /// <summary>The JSON dumps of the captured objects.</summary>
    public string Results => Path.Combine(Home, "results");

    /// <summary>The quick start's code blocks, from the copied README.md.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Blocks { get; private set; } = [];

    public ChildResult Result { get; private set; } = null!;

    /// <summary>Every event in the store after the traffic, as JSON objects.</summary>
    public IReadOnlyList<JsonElement> Events { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Providers = await MockProviders.StartAsync();
        CopyRepository(TestRepository.Root, Copy);
        Directory.CreateDirectory(Results);
        Blocks = ReadmeBlocks.PowerShell(File.ReadAllText(Path.Combine(Copy, "README.md")), "Quick start");
        Assert.Equal(2, Blocks.Count);
        Assert.Single(Blocks[0]);
        Assert.True(Blocks[1].Count >= 3, "the query block has at least three lines");

        Result = await TypeLinesAsync(Script(Blocks[0][0], Blocks[1].Take(3).ToList()), PwshEnvironment.Clean(Home), Copy, TimeSpan.FromSeconds(540));
        string? current = null;
        foreach (var line in Result.Stdout.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                current = line[Marker.Length..];
                _sections[current] = "";
            }
            else if (current is not null)
            {
                _sections[current] += line + "\n";
            }
        }

        var events = Path.Combine(Results, "events.json");
        if (File.Exists(events))
        {
            Events = JsonDocument.Parse(File.ReadAllText(events)).RootElement.EnumerateArray().ToList();
        }
    }

    public async Task DisposeAsync()
    {
        await Providers.DisposeAsync();
        foreach (var directory in new[] { Copy, Home })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    /// <summary>The stdout text after the marker line "##readme:NAME" up to the next marker.</summary>
    public string Section(string name)
    {
        Assert.True(_sections.TryGetValue(name, out var text), $"pwsh never reached '{name}'. Exit {Result.ExitCode}.\nstdout:\n{Result.Stdout}\nstderr:\n{Result.Stderr}");
        return text!;
    }

    /// <summary>A JSON dump the script wrote into <see cref="Results"/>.</summary>
    public JsonElement Json(string name)
    {
        var path = Path.Combine(Results, name + ".json");
        Assert.True(File.Exists(path), $"{name}.json was not written. Exit {Result.ExitCode}.\nstdout:\n{Result.Stdout}\nstderr:\n{Result.Stderr}");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    private string Script(string quickStart, IReadOnlyList<string> queries)
    {
        var overrides = string.Join("; ", Providers.Overrides.Select(o => $"'{o.Key}' = '{o.Value}'"));
        return $$"""
            $ProgressPreference = 'SilentlyContinue'
            $PSDefaultParameterValues['Start-Tokentap:UpstreamOverride'] = @{ {{overrides}} }
            $PSDefaultParameterValues['Start-Tokentap:UpstreamCaFile'] = '{{Providers.Authority.PemPath}}'
            $PSDefaultParameterValues['Start-Tokentap:Port'] = 0
            $PSDefaultParameterValues['Group-Object:OutVariable'] = 'groups'
            $PSDefaultParameterValues['Get-TokenUsageSummary:OutVariable'] = 'summary'
            '{{Marker}}quickstart'
            {{quickStart}}
            '{{Marker}}session'
            "HTTPS_PROXY=$env:HTTPS_PROXY"
            "CURL_CA_BUNDLE=$env:CURL_CA_BUNDLE"
            "PROXYURL=$((Get-Tokentap).ProxyUrl)"
            "BUNDLE=$((Get-Tokentap).BundlePath)"
            $requests = @(@('https://api.anthropic.com/v1/messages', '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}'), @('https://api.anthropic.com/v1/messages', '{"model":"claude-sonnet-4-5","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"hi"}]}'), @('https://api.openai.com/v1/chat/completions', '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}]}'), @('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}'))
            foreach ($request in $requests) { $null = curl -sS --fail --json $request[1] $request[0]; if ($LASTEXITCODE -ne 0) { throw "curl $($request[0]) failed with exit code $LASTEXITCODE" } }
            $deadline = (Get-Date).AddSeconds(30)
            while (((Get-Tokentap).EventsCaptured -lt $requests.Count -or (Get-Tokentap).EventsPending -gt 0) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-TokenUsage | ConvertTo-Json -Depth 3 -AsArray | Set-Content -LiteralPath '{{Results}}/events.json'
            '{{Marker}}query1'
            {{queries[0]}}
            '{{Marker}}query2'
            {{queries[1]}}
            '{{Marker}}query3'
            {{queries[2]}}
            '{{Marker}}stop'
            $groups | Select-Object Name, Count | ConvertTo-Json -AsArray | Set-Content -LiteralPath '{{Results}}/groups.json'
            $summary | ConvertTo-Json -AsArray | Set-Content -LiteralPath '{{Results}}/summary.json'
            Stop-Tokentap | ConvertTo-Json | Set-Content -LiteralPath '{{Results}}/stop.json'
            '{{Marker}}after'
            "HTTPS_PROXY=$env:HTTPS_PROXY"
            "CURL_CA_BUNDLE=$env:CURL_CA_BUNDLE"
            "ERRORS=$($Error.Count)"
            """;
    }

    /// <summary>pwsh -Command - with the script on its standard input: each line runs as if typed at the prompt.</summary>
    private static async Task<ChildResult> TypeLinesAsync(string script, IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan timeout)
    {
        var start = new System.Diagnostics.ProcessStartInfo(TestPrograms.Pwsh)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(script.ReplaceLineEndings("\n") + "\n");
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The README run did not finish in {timeout.TotalSeconds} s. stdout: {await stdout}");
        }

        return new ChildResult(process.ExitCode, await stdout, await stderr);
    }

    private static void CopyRepository(string root, string copy)
    {
        var listed = ChildProcess.Run("git", ["-C", root, "ls-files", "-z"]);
        Assert.True(listed.ExitCode == 0, $"git ls-files failed: {listed.Stderr}");
        foreach (var file in listed.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(root, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree, not yet committed
            }

            var target = Path.Combine(copy, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        }
    }
}
