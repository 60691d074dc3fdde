namespace Vigil.Review;

/// <summary>Which form of an item's media a reviewer asks for.</summary>
public enum MediaView
{
    /// <summary>The blurred (and by default greyscale) derivative, made on the server.</summary>
    Blurred,

    /// <summary>The clear bytes: audited, and charged to the reviewer's exposure.</summary>
    Clear,
}

/// <summary>Why media was not served.</summary>
public enum MediaRefusal
{
    /// <summary>Served.</summary>
    None,

    /// <summary>No such case or item.</summary>
    NotFound,

    /// <summary>The item has no media (hashes only), or it was purged.</summary>
    NoMedia,

    /// <summary>The reviewer reached the daily exposure cap: no more media today.</summary>
    CapReached,

    /// <summary>The server has no evidence vault key, so it cannot open stored media.</summary>
    VaultUnavailable,

    /// <summary>The media could not be decoded to make a derivative.</summary>
    Undecodable,
}

/// <summary>The answer to a media request.</summary>
/// <param name="Refusal">Why nothing is served, or <see cref="MediaRefusal.None"/>.</param>
/// <param name="Bytes">The bytes served, when served.</param>
/// <param name="ContentType">Their type.</param>
public sealed record MediaAnswer(MediaRefusal Refusal, byte[]? Bytes, string? ContentType)
{
    internal static MediaAnswer Refused(MediaRefusal why) => new(why, null, null);
}

/// <summary>A reviewer's wellness figures for today.</summary>
/// <param name="Exposure">Today's exposure.</param>
/// <param name="Cap">The daily cap.</param>
/// <param name="BreakInterval">How often a break reminder is shown.</param>
/// <param name="Settings">The reviewer's effective derivative settings.</param>
/// <param name="Mute">Whether video is muted for the reviewer.</param>
public sealed record ReviewerWellness(Vigil.Storage.ReviewerExposure Exposure, TimeSpan Cap, TimeSpan BreakInterval,
    Wellness.BlurOptions Settings, bool Mute)
{
    /// <summary>True when no more media is served today.</summary>
    public bool CapReached => Exposure.Seconds >= Cap.TotalSeconds;
}
