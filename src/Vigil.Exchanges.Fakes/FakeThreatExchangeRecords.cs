namespace Vigil.Exchanges.Fakes;

/// <summary>One app's descriptor (opinion) of an indicator in a <see cref="FakeThreatExchange"/>.</summary>
/// <param name="Id">The descriptor's id (digits).</param>
/// <param name="OwnerAppId">The app that uploaded it.</param>
/// <param name="Tags">Its tags, e.g. <c>media_type_video</c>.</param>
/// <param name="Status">Its status (<c>MALICIOUS</c>, <c>NON_MALICIOUS</c>...).</param>
public sealed record FakeThreatExchangeDescriptor(string Id, string OwnerAppId, IReadOnlyList<string> Tags, string Status = "MALICIOUS");

/// <summary>One record of the fake's <c>threat_updates</c>: an indicator's latest update, or its deletion.</summary>
/// <param name="Id">The indicator id (digits).</param>
/// <param name="Type">The indicator type, e.g. <c>HASH_PDQ</c>.</param>
/// <param name="Indicator">The hash (synthetic in every test).</param>
/// <param name="LastUpdated">When it was last updated or deleted, in Unix seconds.</param>
/// <param name="ShouldDelete">True for a deletion record.</param>
/// <param name="Descriptors">The descriptors of a live indicator; empty for a deletion.</param>
public sealed record FakeThreatExchangeUpdate(
    string Id, string Type, string Indicator, long LastUpdated, bool ShouldDelete, IReadOnlyList<FakeThreatExchangeDescriptor> Descriptors);

/// <summary>A reaction call the fake received.</summary>
/// <param name="DescriptorId">The descriptor reacted to.</param>
/// <param name="AppId">The app that reacted (from its token).</param>
/// <param name="Reaction">The reaction, e.g. <c>SAW_THIS_TOO</c>.</param>
/// <param name="Removed">True when it was withdrawn (<c>reactions_to_remove</c>).</param>
public sealed record FakeThreatExchangeReaction(string DescriptorId, string AppId, string Reaction, bool Removed);
