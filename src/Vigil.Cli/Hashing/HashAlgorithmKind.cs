namespace Vigil.Cli.Hashing;

/// <summary>The signal a hashing run computes.</summary>
internal enum HashAlgorithmKind
{
    Pdq,
    Md5,
    Sha256,
}

internal static class HashAlgorithmNames
{
    public static string Name(this HashAlgorithmKind kind) => kind switch
    {
        HashAlgorithmKind.Pdq => "pdq",
        HashAlgorithmKind.Md5 => "md5",
        _ => "sha256",
    };
}
