namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// Which NCMEC hash-sharing database to read. They differ in who may read or write and in what they hold;
/// each has a test twin for integration work. <see cref="NcmecOptions.BaseUrl"/> overrides the address.
/// </summary>
public enum NcmecEnvironment
{
    /// <summary>The industry (ESP) database: <c>https://report.cybertip.org/hashsharing</c>.</summary>
    Industry,

    /// <summary>The NGO database: <c>https://hashsharing.ncmec.org/npo</c>.</summary>
    Ngo,

    /// <summary>The exploitative-content database: <c>https://hashsharing.ncmec.org/exploitative</c>.</summary>
    Exploitative,

    /// <summary>The industry test database: <c>https://exttest.cybertip.org/hashsharing</c>.</summary>
    TestIndustry,

    /// <summary>The NGO test database: <c>https://hashsharing-test.ncmec.org/npo</c>.</summary>
    TestNgo,

    /// <summary>The exploitative-content test database: <c>https://hashsharing-test.ncmec.org/exploitative</c>.</summary>
    TestExploitative,
}

/// <summary>The base addresses of the <see cref="NcmecEnvironment"/> values.</summary>
public static class NcmecEnvironments
{
    /// <summary>The base address of <paramref name="environment"/> (the API's <c>/v2/...</c> paths go under it).</summary>
    public static Uri BaseUrl(NcmecEnvironment environment) => new(environment switch
    {
        NcmecEnvironment.Industry => "https://report.cybertip.org/hashsharing",
        NcmecEnvironment.Ngo => "https://hashsharing.ncmec.org/npo",
        NcmecEnvironment.Exploitative => "https://hashsharing.ncmec.org/exploitative",
        NcmecEnvironment.TestIndustry => "https://exttest.cybertip.org/hashsharing",
        NcmecEnvironment.TestNgo => "https://hashsharing-test.ncmec.org/npo",
        NcmecEnvironment.TestExploitative => "https://hashsharing-test.ncmec.org/exploitative",
        _ => throw new ArgumentOutOfRangeException(nameof(environment), environment, "unknown NCMEC environment"),
    });

    /// <summary>Parses an environment name as the CLI takes it (<c>industry</c>, <c>ngo</c>, <c>exploitative</c>,
    /// <c>test-industry</c>, <c>test-ngo</c>, <c>test-exploitative</c>; case and <c>-</c>/<c>_</c> ignored).</summary>
    public static bool TryParse(string? name, out NcmecEnvironment environment)
    {
        string key = (name ?? "").Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return Enum.TryParse(key, ignoreCase: true, out environment) && Enum.IsDefined(environment) && !int.TryParse(key, out _);
    }
}
