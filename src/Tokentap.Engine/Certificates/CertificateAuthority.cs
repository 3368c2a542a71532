// The per-user Tokentap root CA: created or loaded from disk, confined by name constraints, issuing cached leaves.
using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Engine.Certificates;

/// <summary>
/// The root certificate authority the proxy signs its per-host leaf certificates with. Its key is ECDSA P-256 and
/// lives in ca.key.pem readable by the owner only; its certificate carries critical Name Constraints that permit
/// only the intercepted host names and exclude every IP address, so the key cannot vouch for any other site even
/// if it leaks. One instance may serve several proxy listeners at once; it is thread-safe. Its leaves share one ECDSA
/// P-256 key made in memory when the first leaf is issued and never written anywhere (as mitmproxy does), so a new host
/// costs one signature, not a key generation; the key lives exactly as long as the leaves it serves, in this process.
/// </summary>
public sealed class CertificateAuthority : ILeafCertificateSource, IDisposable
{
    public const string CertificateFileName = "ca.pem";
    public const string KeyFileName = "ca.key.pem";
    public const string BundleFileName = "ca-bundle.pem";

    /// <summary>How long a freshly created or re-issued CA is valid.</summary>
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(3652);

    /// <summary>How long a leaf certificate is valid; leaves are re-issued a day before they expire.</summary>
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(7);

    private static readonly TimeSpan LeafRenewBefore = TimeSpan.FromDays(1);
    private static readonly TimeSpan CaRenewBefore = TimeSpan.FromDays(30);
    private static readonly TimeSpan BackdateBy = TimeSpan.FromHours(1);

    private readonly Lazy<Signing> _signing;
    private readonly ConcurrentDictionary<string, Lazy<LeafEntry>> _leaves = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly Lazy<ECDsa> _leafKey;
    private int _leafKeysCreated;
    private int _leavesIssued;
    private int _disposed;

    private CertificateAuthority(string directory, Signing signing, string certificatePem, IReadOnlyList<string> subtrees, TimeProvider time)
        : this(directory, certificatePem, subtrees, new Lazy<Signing>(signing), time)
    {
        NotBefore = _signing.Value.Certificate.NotBefore.ToUniversalTime();
        NotAfter = _signing.Value.Certificate.NotAfter.ToUniversalTime();
    }

    // A CA whose key and certificate objects (the crypto library's first use) are made when a leaf or the certificate
    // is first needed; the facts a start needs were read from the files without them (CaFileFacts).
    private CertificateAuthority(string directory, CaFileFacts facts, TimeProvider time)
        : this(directory, facts.CertificatePem, facts.Subtrees, new Lazy<Signing>(() => Signing.Load(facts.CertificatePem, facts.KeyPem), LazyThreadSafetyMode.ExecutionAndPublication), time)
    {
        NotBefore = facts.NotBefore;
        NotAfter = facts.NotAfter;
    }

    private CertificateAuthority(string directory, string certificatePem, IReadOnlyList<string> subtrees, Lazy<Signing> signing, TimeProvider time)
    {
        Directory = directory;
        _signing = signing;
        _time = time;
        CertificatePem = certificatePem;
        PermittedSubtrees = subtrees;
        PermittedPatterns = subtrees.Select(NameConstraints.ToPattern).ToArray();
        _leafKey = new Lazy<ECDsa>(CreateLeafKey, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The folder holding the CA files.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (PEM), the file users and trust stores import.</summary>
    public string CertificatePath => Path.Combine(Directory, CertificateFileName);

    /// <summary>The CA private key (PKCS#8 PEM, owner-only).</summary>
    public string KeyPath => Path.Combine(Directory, KeyFileName);

    /// <summary>System roots plus the Tokentap CA (PEM), for SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, CODEX_CA_CERTIFICATE.</summary>
    public string BundlePath => Path.Combine(Directory, BundleFileName);

    /// <summary>The CA certificate without its private key.</summary>
    public X509Certificate2 Certificate => _signing.Value.Certificate;

    /// <summary>The CA certificate as PEM text.</summary>
    public string CertificatePem { get; }

    /// <summary>SHA-1 thumbprint in upper-case hex, as Windows certificate stores and Get-ChildItem Cert:\ show it.</summary>
    public string Thumbprint => Certificate.Thumbprint;

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>True once the key and certificate are loaded into the crypto library (a leaf, the certificate or its thumbprint was needed).</summary>
    internal bool IsSigningLoaded => _signing.IsValueCreated;

    /// <summary>The host patterns the name constraints permit (api.openai.com, *.openai.azure.com).</summary>
    public IReadOnlyList<string> PermittedPatterns { get; }

    /// <summary>The dNSName subtrees of the name constraints (api.openai.com, .openai.azure.com).</summary>
    internal IReadOnlyList<string> PermittedSubtrees { get; }

    /// <summary>Opens the CA in the Tokentap data folder; see <see cref="Open(string, IEnumerable{string}, TimeProvider?)"/>.</summary>
    public static CertificateAuthorityOpenResult Open(TokentapPaths paths, IEnumerable<string> interceptPatterns) =>
        Open(paths.CaDirectory, interceptPatterns);

    /// <summary>
    /// Loads the CA from <paramref name="directory"/>, creating it on first use. When the existing CA does not permit
    /// every intercept pattern (or expires within 30 days) it is re-issued with the same key and the union of old and
    /// new names, and the result says so: clients that trusted the old certificate must trust the new one.
    /// The bundle file is rewritten whenever it does not end with the current CA certificate.
    /// </summary>
    public static CertificateAuthorityOpenResult Open(string directory, IEnumerable<string> interceptPatterns, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(interceptPatterns);
        time ??= TimeProvider.System;
        directory = Path.GetFullPath(directory);
        var wanted = interceptPatterns.Select(HostPattern.Normalize).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            throw new ArgumentException("At least one intercept host is needed.", nameof(interceptPatterns));
        }

        OwnerOnlyFile.EnsureDirectory(directory);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);

        // The common case, an existing CA that permits every pattern and is not near its end, is decided from the
        // files alone, without the crypto library: it loads when the first leaf is issued (the warm-up, or the first
        // intercepted connection), not on the start's path. Anything unusual takes the full load below.
        if (CaFileFacts.TryRead(certificatePath, keyPath) is { } facts
            && wanted.All(p => facts.Subtrees.Any(s => NameConstraints.SubtreeCoversPattern(s, p)))
            && facts.NotAfter - time.GetUtcNow() >= CaRenewBefore)
        {
            var deferred = new CertificateAuthority(directory, facts, time);
            deferred.EnsureBundle();
            return new CertificateAuthorityOpenResult(deferred, CertificateAuthorityState.Loaded, Array.Empty<string>(), null, $"Loaded the Tokentap certificate authority from {certificatePath}.");
        }

        ExistingCa? existing = null;
        string? unreadable = null;
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            try
            {
                existing = ExistingCa.Load(certificatePath, keyPath);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or InvalidOperationException)
            {
                unreadable = ex.Message;
            }
        }

        CertificateAuthority authority;
        CertificateAuthorityState state;
        IReadOnlyList<string> added = Array.Empty<string>();
        string? previousThumbprint = null;
        string message;
        if (existing is not null)
        {
            var signer = existing.Signing.Signer;
            var missing = wanted.Where(p => !existing.Subtrees.Any(s => NameConstraints.SubtreeCoversPattern(s, p))).ToList();
            var expiring = signer.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime < CaRenewBefore;
            if (missing.Count == 0 && !expiring)
            {
                authority = new CertificateAuthority(directory, existing.Signing, existing.Pem, existing.Subtrees, time);
                state = CertificateAuthorityState.Loaded;
                message = $"Loaded the Tokentap certificate authority from {certificatePath}.";
            }
            else
            {
                previousThumbprint = signer.Thumbprint;
                var subtrees = existing.Subtrees.Concat(missing.Select(NameConstraints.ToSubtree)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var subject = signer.SubjectName;
                var oldNotAfter = signer.NotAfter.ToUniversalTime();
                var key = existing.Signing.ReleaseKey();
                authority = Issue(directory, subject, key, subtrees, time, writeKey: false);
                state = CertificateAuthorityState.Reissued;
                added = missing;
                var why = missing.Count > 0
                    ? $"to also permit {string.Join(", ", missing)}"
                    : $"because it expires on {oldNotAfter:yyyy-MM-dd}";
                message = $"The Tokentap certificate authority was re-issued {why}. Anything that trusted the previous certificate " +
                          $"(thumbprint {previousThumbprint}) must now trust {certificatePath} (thumbprint {authority.Thumbprint}).";
            }
        }
        else
        {
            var subject = BuildSubject();
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            authority = Issue(directory, subject, key, wanted.Select(NameConstraints.ToSubtree).ToList(), time, writeKey: true);
            state = unreadable is null ? CertificateAuthorityState.Created : CertificateAuthorityState.Replaced;
            added = wanted;
            message = unreadable is null
                ? $"Created the Tokentap certificate authority at {certificatePath}."
                : $"The Tokentap certificate authority in {directory} could not be read ({unreadable}); a new one was created at " +
                  $"{certificatePath} and must be trusted again.";
        }

        authority.EnsureBundle();
        return new CertificateAuthorityOpenResult(authority, state, added, previousThumbprint, message);
    }

    /// <summary>True when the name constraints permit a leaf for this host.</summary>
    public bool Permits(string host) => PermittedSubtrees.Any(s => NameConstraints.SubtreePermits(s, host.TrimEnd('.')));

    /// <summary>True when the name constraints permit every name the pattern can match.</summary>
    public bool Covers(string pattern)
    {
        var normalized = HostPattern.Normalize(pattern);
        return PermittedSubtrees.Any(s => NameConstraints.SubtreeCoversPattern(s, normalized));
    }

    /// <summary>
    /// The TLS server identity for an intercepted host: a cached leaf (ECDSA P-256, SAN = host, serverAuth) with the
    /// CA as chain, issued on first use and again shortly before it expires.
    /// </summary>
    public SslStreamCertificateContext GetServerContext(string host)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        host = host.TrimEnd('.').ToLowerInvariant();
        if (!Permits(host))
        {
            throw new InvalidOperationException($"The Tokentap certificate authority is not permitted to issue a certificate for '{host}'.");
        }

        var now = _time.GetUtcNow();
        while (true)
        {
            var lazy = _leaves.GetOrAdd(host, h => new Lazy<LeafEntry>(() => CreateLeafEntry(h), LazyThreadSafetyMode.ExecutionAndPublication));
            var entry = lazy.Value;
            if (entry.NotAfter - now > LeafRenewBefore)
            {
                return entry.Context;
            }

            // Superseded leaves are not disposed: a handshake may still be using them; the GC reclaims them.
            _leaves.TryRemove(new KeyValuePair<string, Lazy<LeafEntry>>(host, lazy));
        }
    }

    /// <summary>The hosts a leaf is cached for now (issued by a handshake or by the start's warm-up), sorted.</summary>
    internal IReadOnlyList<string> CachedLeafHosts => _leaves.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Leaf keys generated by this instance (one at most: every leaf shares it).</summary>
    internal int LeafKeysCreated => Volatile.Read(ref _leafKeysCreated);

    /// <summary>Leaves signed by this instance (each one signature).</summary>
    internal int LeavesIssued => Volatile.Read(ref _leavesIssued);

    /// <summary>
    /// Issues a leaf for any DNS name, ignoring the name constraints (tests use it to prove clients reject such leaves).
    /// The certificate carries its private key.
    /// </summary>
    internal X509Certificate2 IssueLeaf(string host, string? ipAddress = null)
    {
        var now = _time.GetUtcNow();
        var leafKey = _leafKey.Value;
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(host);
        var request = new CertificateRequest(subject.Build(), leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        if (ipAddress is not null)
        {
            san.AddIpAddress(System.Net.IPAddress.Parse(ipAddress));
        }

        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var signing = _signing.Value;
        request.CertificateExtensions.Add(signing.AuthorityKeyId);
        var notAfter = now + LeafValidity;
        if (notAfter > NotAfter)
        {
            notAfter = NotAfter;
        }

        using var issued = request.Create(signing.Signer, now - BackdateBy, notAfter, NewSerial());
        Interlocked.Increment(ref _leavesIssued);
        var withKey = issued.CopyWithPrivateKey(leafKey);
        if (!OperatingSystem.IsWindows())
        {
            return withKey;
        }

        // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives the key a home it can use.
        using (withKey)
        {
#pragma warning disable SYSLIB0057 // X509CertificateLoader is not in net8.0; this constructor is the net8.0 way.
            return new X509Certificate2(withKey.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
#pragma warning restore SYSLIB0057
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var lazy in _leaves.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Certificate.Dispose();
            }
        }

        _leaves.Clear();
        if (_leafKey.IsValueCreated)
        {
            _leafKey.Value.Dispose();
        }

        if (_signing.IsValueCreated)
        {
            _signing.Value.Dispose();
        }
    }

    /// <summary>Writes the bundle (system roots + this CA) unless it already ends with this CA's certificate.</summary>
    internal void EnsureBundle()
    {
        var pem = NormalizePem(CertificatePem);
        if (EndsWith(BundlePath, System.Text.Encoding.UTF8.GetBytes(pem)))
        {
            return;
        }

        OwnerOnlyFile.WritePublic(BundlePath, SystemRootCertificates.ExportPem() + pem);
    }

    // Reads only the end of the bundle (it holds every system root: a few hundred kilobytes).
    private static bool EndsWith(string path, byte[] tail)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            var length = RandomAccess.GetLength(handle);
            if (length < tail.Length)
            {
                return false;
            }

            var read = new byte[tail.Length];
            return RandomAccess.Read(handle, read, length - tail.Length) == tail.Length && read.AsSpan().SequenceEqual(tail);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static CertificateAuthority Issue(string directory, X500DistinguishedName subject, ECDsa key, List<string> subtrees, TimeProvider time, bool writeKey)
    {
        var now = time.GetUtcNow();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(NameConstraints.Build(subtrees));
        using var selfSigned = request.CreateSelfSigned(now - TimeSpan.FromDays(1), now + CaValidity);
        var pem = NormalizePem(selfSigned.ExportCertificatePem());
        if (writeKey)
        {
            OwnerOnlyFile.WriteSecret(Path.Combine(directory, KeyFileName), key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        OwnerOnlyFile.WritePublic(Path.Combine(directory, CertificateFileName), pem);
        using var publicOnly = X509Certificate2.CreateFromPem(pem);
        return new CertificateAuthority(directory, new Signing(publicOnly.CopyWithPrivateKey(key), key, pem), pem, subtrees, time);
    }

    private ECDsa CreateLeafKey()
    {
        Interlocked.Increment(ref _leafKeysCreated);
        return ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    private LeafEntry CreateLeafEntry(string host)
    {
        var leaf = IssueLeaf(host);
        var context = SslStreamCertificateContext.Create(leaf, _signing.Value.ChainExtras, offline: true);
        return new LeafEntry(leaf, context, leaf.NotAfter.ToUniversalTime());
    }

    private static X500DistinguishedName BuildSubject()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("Tokentap");
        builder.AddOrganizationalUnitName(Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        builder.AddCommonName($"Tokentap local CA ({Environment.UserName}@{Environment.MachineName})");
        return builder.Build();
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    internal static string NormalizePem(string pem) => pem.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    private sealed record LeafEntry(X509Certificate2 Certificate, SslStreamCertificateContext Context, DateTimeOffset NotAfter);

    /// <summary>A CA read from disk.</summary>
    private sealed record ExistingCa(Signing Signing, string Pem, IReadOnlyList<string> Subtrees)
    {
        public static ExistingCa Load(string certificatePath, string keyPath)
        {
            var pem = NormalizePem(File.ReadAllText(certificatePath));
            var signing = Signing.Load(pem, File.ReadAllText(keyPath));
            if (NameConstraints.Read(signing.Certificate) is not { } constraints)
            {
                signing.Dispose();
                throw new CryptographicException("the certificate has no name constraints");
            }

            return new ExistingCa(signing, pem, constraints.PermittedDnsNames);
        }
    }

    // The CA's key and certificate as the crypto library holds them, with what every leaf reuses.
    private sealed class Signing : IDisposable
    {
        public Signing(X509Certificate2 signer, ECDsa key, string certificatePem)
        {
            Signer = signer;
            Key = key;
            Certificate = X509Certificate2.CreateFromPem(certificatePem);
            ChainExtras = new X509Certificate2Collection(Certificate);
            AuthorityKeyId = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(signer, includeKeyIdentifier: true, includeIssuerAndSerial: false);
        }

        public X509Certificate2 Signer { get; }

        public ECDsa Key { get; }

        public X509Certificate2 Certificate { get; }

        public X509Certificate2Collection ChainExtras { get; }

        public X509AuthorityKeyIdentifierExtension AuthorityKeyId { get; }

        public static Signing Load(string certificatePem, string keyPem)
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(keyPem);
                using var publicOnly = X509Certificate2.CreateFromPem(certificatePem);
                return new Signing(publicOnly.CopyWithPrivateKey(key), key, certificatePem);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }

        /// <summary>Disposes the certificates and hands on the key (a re-issue signs the new certificate with it).</summary>
        public ECDsa ReleaseKey()
        {
            Certificate.Dispose();
            Signer.Dispose();
            return Key;
        }

        public void Dispose() => ReleaseKey().Dispose();
    }
}
