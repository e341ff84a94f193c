// The microcred verifier page: sends what the user pasted or dropped to POST /verifier/report
// and shows the answer. Everything that comes from the credential is untrusted and is only
// ever put into the page as text (textContent), never as markup.
"use strict";

(function () {
  // Plain-language explanations of every check id, in both languages. Kept as strict JSON
  // between the markers so that tests/server/test_page.py can read it.
  const CHECKS = /* BEGIN:CHECKS */ {
    "parse": {
      "en": {"name": "Reading the input", "why": "The input could not be read as a credential: it is not valid JSON, not a JWT, or not an image with a credential baked into it."},
      "sv": {"name": "Inläsning", "why": "Indata kunde inte läsas som ett intyg: det är inte giltig JSON, inte en JWT och inte en bild med ett inbakat intyg."}
    },
    "format": {
      "en": {"name": "Format", "why": "This is not a credential or presentation in a form that can be verified; for example, it has no proof (digital signature) at all."},
      "sv": {"name": "Format", "why": "Det här är inte ett intyg eller en presentation i en form som kan verifieras; till exempel saknas bevis (digital signatur) helt."}
    },
    "contexts": {
      "en": {"name": "Vocabulary (JSON-LD contexts)", "why": "The credential uses a vocabulary (JSON-LD context) that is unknown or has been altered, so its meaning cannot be established safely."},
      "sv": {"name": "Vokabulär (JSON-LD-kontexter)", "why": "Intyget använder en vokabulär (JSON-LD-kontext) som är okänd eller har ändrats, så dess innebörd kan inte fastställas säkert."}
    },
    "proof": {
      "en": {"name": "Proof", "why": "The credential's proof is missing or empty, so nothing shows who signed it."},
      "sv": {"name": "Bevis", "why": "Intygets bevis saknas eller är tomt, så inget visar vem som har signerat det."}
    },
    "proof.suite": {
      "en": {"name": "Signature method", "why": "The proof uses a signature method (cryptosuite) that is unknown, not accepted, or not supported by this verifier."},
      "sv": {"name": "Signaturmetod", "why": "Beviset använder en signaturmetod (kryptosvit) som är okänd, inte godtas eller inte stöds av den här verifieraren."}
    },
    "proof.created": {
      "en": {"name": "Date of the proof", "why": "The date on which the proof says it was made is not a valid date."},
      "sv": {"name": "Bevisets datum", "why": "Datumet då beviset säger att det skapades är inte ett giltigt datum."}
    },
    "proof.expires": {
      "en": {"name": "Expiry of the proof", "why": "The proof has expired, or its expiry date is not a valid date."},
      "sv": {"name": "Bevisets giltighetstid", "why": "Beviset har gått ut, eller så är dess slutdatum inte ett giltigt datum."}
    },
    "proof.purpose": {
      "en": {"name": "Purpose of the proof", "why": "The proof was made for another purpose than vouching for this credential (for example, for logging in)."},
      "sv": {"name": "Bevisets syfte", "why": "Beviset skapades för ett annat syfte än att gå i god för det här intyget (till exempel för inloggning)."}
    },
    "proof.challenge": {
      "en": {"name": "Challenge", "why": "The presentation was not made in answer to the challenge the verifier expected; it may be a replay of an old presentation."},
      "sv": {"name": "Utmaning", "why": "Presentationen gjordes inte som svar på den utmaning som verifieraren väntade sig; den kan vara en återuppspelning av en gammal presentation."}
    },
    "proof.domain": {
      "en": {"name": "Domain", "why": "The presentation was made for another website or service than the one expected."},
      "sv": {"name": "Domän", "why": "Presentationen gjordes för en annan webbplats eller tjänst än den väntade."}
    },
    "proof.method": {
      "en": {"name": "Signing key", "why": "The key named in the proof cannot be found, is of the wrong kind, or its owner has not authorised it for signing."},
      "sv": {"name": "Signeringsnyckel", "why": "Nyckeln som beviset anger kan inte hittas, är av fel slag eller har inte godkänts av sin ägare för signering."}
    },
    "proof.signature": {
      "en": {"name": "Digital signature", "why": "The digital signature does not match the content: the credential has been changed after it was signed, or it was signed with a different key."},
      "sv": {"name": "Digital signatur", "why": "Den digitala signaturen stämmer inte med innehållet: intyget har ändrats efter att det signerades, eller så signerades det med en annan nyckel."}
    },
    "issuer": {
      "en": {"name": "Issuer", "why": "The credential was not signed by the issuer it names: the signing key does not belong to that issuer."},
      "sv": {"name": "Utfärdare", "why": "Intyget signerades inte av den utfärdare som det anger: signeringsnyckeln tillhör inte den utfärdaren."}
    },
    "holder": {
      "en": {"name": "Holder", "why": "The presentation was not signed by the holder it names: the signing key does not belong to that holder."},
      "sv": {"name": "Innehavare", "why": "Presentationen signerades inte av den innehavare som den anger: signeringsnyckeln tillhör inte den innehavaren."}
    },
    "subject": {
      "en": {"name": "Subject", "why": "The credential says nothing about anyone: it has no credentialSubject, or an empty one."},
      "sv": {"name": "Subjekt", "why": "Intyget säger ingenting om någon: det saknar credentialSubject, eller så är det tomt."}
    },
    "validity.valid_from": {
      "en": {"name": "Valid from", "why": "The credential is not valid yet, or its start date is missing or not a valid date."},
      "sv": {"name": "Giltig från", "why": "Intyget är inte giltigt ännu, eller så saknas dess startdatum eller är inte ett giltigt datum."}
    },
    "validity.valid_until": {
      "en": {"name": "Valid until", "why": "The credential has expired, or its end date is not a valid date."},
      "sv": {"name": "Giltig till", "why": "Intyget har gått ut, eller så är dess slutdatum inte ett giltigt datum."}
    },
    "status": {
      "en": {"name": "Status (revocation)", "why": "The issuer has revoked or suspended the credential, or its status could not be looked up."},
      "sv": {"name": "Status (återkallelse)", "why": "Utfärdaren har återkallat eller spärrat intyget, eller så gick dess status inte att kontrollera."}
    },
    "schema": {
      "en": {"name": "Schema", "why": "The credential does not have the structure that its declared schema requires."},
      "sv": {"name": "Schema", "why": "Intyget har inte den struktur som dess angivna schema kräver."}
    },
    "profile": {
      "en": {"name": "Profile", "why": "The credential does not meet the requirements of the profile it was checked against."},
      "sv": {"name": "Profil", "why": "Intyget uppfyller inte kraven i den profil som det kontrollerades mot."}
    },
    "jades.contexts": {
      "en": {"name": "Sealed credential's vocabulary", "why": "The JSON-LD vocabularies a sealed credential names are not processed: the seal covers its text as it is."},
      "sv": {"name": "Det stämplade intygets vokabulär", "why": "De JSON-LD-vokabulärer som ett stämplat intyg anger bearbetas inte: stämpeln täcker dess text som den är."}
    },
    "jades.format": {
      "en": {"name": "JAdES seal format", "why": "The sealed document is not a readable JWS JSON serialization of a JAdES seal (its members, its payload, or its unsigned validation data are malformed or over the limits)."},
      "sv": {"name": "JAdES-stämpelns format", "why": "Det stämplade dokumentet är inte en läsbar JWS JSON-serialisering av en JAdES-stämpel (dess delar, dess innehåll eller dess osignerade valideringsdata är felaktiga eller över gränserna)."}
    },
    "jades.header": {
      "en": {"name": "JAdES seal header", "why": "The seal's protected header does not fit the JAdES profile: an algorithm that is not accepted or does not fit the certificate's key, a critical parameter this verifier does not process, or no signing time or certificate."},
      "sv": {"name": "JAdES-stämpelns huvud", "why": "Stämpelns skyddade huvud passar inte JAdES-profilen: en algoritm som inte godtas eller inte passar certifikatets nyckel, en kritisk parameter som den här verifieraren inte behandlar, eller ingen signeringstid eller inget certifikat."}
    },
    "jades.x5t": {
      "en": {"name": "Seal certificate thumbprint", "why": "The thumbprint the seal gives of its certificate is not that of the certificate it carries, so the certificate may have been replaced."},
      "sv": {"name": "Stämpelcertifikatets tumavtryck", "why": "Tumavtrycket som stämpeln anger för sitt certifikat är inte avtrycket av certifikatet den bär, så certifikatet kan ha bytts ut."}
    },
    "jades.kid": {
      "en": {"name": "Seal certificate reference", "why": "The issuer and serial number the seal names are not those of the certificate it carries."},
      "sv": {"name": "Stämpelcertifikatets referens", "why": "Utfärdaren och serienumret som stämpeln anger är inte de för certifikatet den bär."}
    },
    "jades.signature": {
      "en": {"name": "Seal signature", "why": "The seal's signature does not match the credential and its protected header: the credential was changed after it was sealed, or was never sealed with this certificate's key."},
      "sv": {"name": "Stämpelns signatur", "why": "Stämpelns signatur stämmer inte med intyget och dess skyddade huvud: intyget har ändrats efter att det stämplades, eller stämplades aldrig med det här certifikatets nyckel."}
    },
    "jades.sigT": {
      "en": {"name": "Signing time", "why": "The time the seal claims it was made is not a valid time, lies outside its certificate's validity, or is later than the time-stamp that proves when it existed."},
      "sv": {"name": "Signeringstid", "why": "Tiden som stämpeln anger att den gjordes är ingen giltig tid, ligger utanför certifikatets giltighet, eller är senare än tidsstämpeln som visar när den fanns."}
    },
    "jades.sigTst": {
      "en": {"name": "Signature time-stamp", "why": "The time-stamp over the seal's signature does not verify (it stamps other data, or its time-stamping authority's signature or certificate is wrong or not trusted)."},
      "sv": {"name": "Signaturens tidsstämpel", "why": "Tidsstämpeln över stämpelns signatur går inte att verifiera (den stämplar andra data, eller tidsstämplingstjänstens signatur eller certifikat är fel eller inte betrott)."}
    },
    "jades.adoTst": {
      "en": {"name": "Content time-stamp", "why": "The time-stamp over the credential's content does not verify, or is later than the signature time-stamp."},
      "sv": {"name": "Innehållets tidsstämpel", "why": "Tidsstämpeln över intygets innehåll går inte att verifiera, eller är senare än signaturens tidsstämpel."}
    },
    "jades.arcTst": {
      "en": {"name": "Archive time-stamp", "why": "The archive time-stamp, which protects the seal and its validation data over time, does not verify, or its time-stamping authority cannot be trusted now."},
      "sv": {"name": "Arkivtidsstämpel", "why": "Arkivtidsstämpeln, som skyddar stämpeln och dess valideringsdata över tid, går inte att verifiera, eller så går dess tidsstämplingstjänst inte att lita på nu."}
    },
    "jades.chain": {
      "en": {"name": "Seal certificate chain", "why": "The seal's certificate does not lead to a trusted authority (none was configured, or its chain ends elsewhere), had expired with nothing proving the seal was made in time, or may not sign."},
      "sv": {"name": "Stämpelcertifikatets kedja", "why": "Stämpelns certifikat leder inte till en betrodd utfärdare (ingen var inställd, eller kedjan slutar någon annanstans), hade gått ut utan att något visar att stämpeln gjordes i tid, eller får inte signera."}
    },
    "jades.revocation": {
      "en": {"name": "Seal certificate revocation", "why": "The seal's certificate was revoked, according to the revocation information the seal carries."},
      "sv": {"name": "Spärrning av stämpelcertifikatet", "why": "Stämpelns certifikat var spärrat, enligt den spärrinformation som stämpeln bär."}
    },
    "jades.qc": {
      "en": {"name": "Qualified certificate statements", "why": "The seal's certificate says whether it is an EU qualified certificate for electronic seals; this is reported, not judged."},
      "sv": {"name": "Uttalanden om kvalificerat certifikat", "why": "Stämpelns certifikat anger om det är ett kvalificerat EU-certifikat för elektroniska stämplar; det redovisas, det bedöms inte."}
    },
    "jwt.header": {
      "en": {"name": "JWT header", "why": "The token's header does not fit the kind of token it claims to be (its declared type or content type, or where it carries the credential), or it demands processing this verifier does not support, so the token cannot be trusted."},
      "sv": {"name": "JWT-huvud", "why": "Tokenets huvud passar inte den sorts token som det utger sig för att vara (dess angivna typ eller innehållstyp, eller var det bär intyget), eller så kräver det behandling som den här verifieraren inte stöder, så tokenet går inte att lita på."}
    },
    "jwt.alg": {
      "en": {"name": "JWT signature algorithm", "why": "The token uses a signature algorithm that is not accepted (for example none, or a shared secret)."},
      "sv": {"name": "JWT-signaturalgoritm", "why": "Tokenet använder en signaturalgoritm som inte godtas (till exempel none eller en delad hemlighet)."}
    },
    "envelope": {
      "en": {"name": "Enveloped credential", "why": "The enveloped credential cannot be opened: its data: URL is malformed, too large, or holds a media type that is not a JWT credential (an SD-JWT or COSE envelope cannot be checked here)."},
      "sv": {"name": "Inneslutet intyg", "why": "Det inneslutna intyget kan inte öppnas: dess data:-URL är felaktig, för stor eller innehåller en medietyp som inte är ett JWT-intyg (ett SD-JWT- eller COSE-kuvert kan inte kontrolleras här)."}
    },
    "jwt.key": {
      "en": {"name": "JWT signing key", "why": "The key that should have signed the token cannot be found, cannot be used, or does not fit the algorithm."},
      "sv": {"name": "JWT-signeringsnyckel", "why": "Nyckeln som skulle ha signerat tokenet kan inte hittas, kan inte användas eller passar inte algoritmen."}
    },
    "jwt.signature": {
      "en": {"name": "JWT signature", "why": "The token's signature does not match its content: the token has been changed, or it was signed with a different key."},
      "sv": {"name": "JWT-signatur", "why": "Tokenets signatur stämmer inte med innehållet: tokenet har ändrats, eller så signerades det med en annan nyckel."}
    },
    "jwt.claims": {
      "en": {"name": "JWT claims", "why": "The token's claims (issuer, subject, identifier, dates) disagree with the credential it carries."},
      "sv": {"name": "JWT-anspråk", "why": "Tokenets anspråk (utfärdare, subjekt, identifierare, datum) stämmer inte med intyget som det bär."}
    },
    "jwt.exp": {
      "en": {"name": "JWT expiry", "why": "The token has expired, or its expiry time is not a valid time."},
      "sv": {"name": "JWT:s utgångstid", "why": "Tokenet har gått ut, eller så är dess utgångstid inte en giltig tidpunkt."}
    },
    "jwt.nbf": {
      "en": {"name": "JWT valid from", "why": "The token is not valid yet, or its start time is not a valid time."},
      "sv": {"name": "JWT giltig från", "why": "Tokenet är inte giltigt ännu, eller så är dess starttid inte en giltig tidpunkt."}
    },
    "internal": {
      "en": {"name": "Internal error of the verifier", "why": "The verifier itself failed while checking this input, so the result cannot be determined. The fault is in the verifier, not necessarily in the credential."},
      "sv": {"name": "Internt fel i verifieraren", "why": "Verifieraren själv fick ett fel när den kontrollerade indata, så resultatet kan inte avgöras. Felet ligger i verifieraren, inte nödvändigtvis i intyget."}
    },
    "sdjwt.format": {
      "en": {"name": "Reading the SD-JWT", "why": "The input has the shape of an SD-JWT (a signed token followed by disclosures), but it cannot be read as one: a part is malformed, too large, or there are too many disclosures."},
      "sv": {"name": "Inläsning av SD-JWT", "why": "Indata ser ut som en SD-JWT (ett signerat token följt av avslöjanden), men går inte att läsa som en: en del är felaktig eller för stor, eller så är avslöjandena för många."}
    },
    "sdjwt.header": {
      "en": {"name": "SD-JWT header", "why": "The token's header does not say it is an SD-JWT credential of a kind this verifier checks (dc+sd-jwt, or the older vc+sd-jwt), or it asks for processing that is not supported."},
      "sv": {"name": "SD-JWT-huvud", "why": "Tokenets huvud anger inte att det är ett SD-JWT-intyg av ett slag som den här verifieraren kontrollerar (dc+sd-jwt eller det äldre vc+sd-jwt), eller så kräver det behandling som inte stöds."}
    },
    "sdjwt.alg": {
      "en": {"name": "SD-JWT signature algorithm", "why": "The token uses a signature algorithm that is not accepted (for example none or a shared secret)."},
      "sv": {"name": "SD-JWT-signaturalgoritm", "why": "Tokenet använder en signaturalgoritm som inte godtas (till exempel none eller en delad hemlighet)."}
    },
    "sdjwt.issuer-key": {
      "en": {"name": "Issuer's signing key", "why": "The key that should have signed the credential cannot be found or trusted: its certificate chain does not lead to a trusted authority, the issuer's published keys do not have it, or it does not fit the algorithm."},
      "sv": {"name": "Utfärdarens signeringsnyckel", "why": "Nyckeln som skulle ha signerat intyget kan inte hittas eller litas på: dess certifikatkedja leder inte till en betrodd utfärdare, utfärdarens publicerade nycklar innehåller den inte, eller så passar den inte algoritmen."}
    },
    "sdjwt.signature": {
      "en": {"name": "Issuer's signature", "why": "The issuer's signature does not match the credential: it has been changed after it was signed, or it was signed with a different key."},
      "sv": {"name": "Utfärdarens signatur", "why": "Utfärdarens signatur stämmer inte med intyget: det har ändrats efter att det signerades, eller så signerades det med en annan nyckel."}
    },
    "sdjwt.disclosures": {
      "en": {"name": "Disclosed claims", "why": "A disclosed claim is malformed or given twice, so what the holder chose to show cannot be trusted."},
      "sv": {"name": "Visade uppgifter", "why": "En visad uppgift är felaktig eller finns två gånger, så det som innehavaren valde att visa går inte att lita på."}
    },
    "sdjwt.digest": {
      "en": {"name": "Disclosures match the signed credential", "why": "A disclosed claim does not match anything the issuer signed, or one is used twice, or it would replace a signed claim: the disclosures were tampered with or reordered."},
      "sv": {"name": "Visade uppgifter stämmer med det signerade intyget", "why": "En visad uppgift stämmer inte med något som utfärdaren signerade, används två gånger eller skulle ersätta en signerad uppgift: de visade uppgifterna har manipulerats eller flyttats om."}
    },
    "sdjwt.kb": {
      "en": {"name": "Holder's key binding", "why": "The proof that the holder presented the credential (the key binding) is missing, not signed with the holder's key, made for another verifier or an old request, or does not cover what was shown."},
      "sv": {"name": "Innehavarens nyckelbindning", "why": "Beviset för att innehavaren visade upp intyget (nyckelbindningen) saknas, är inte signerat med innehavarens nyckel, gjordes för en annan verifierare eller en gammal begäran, eller täcker inte det som visades."}
    },
    "sdjwt.iat": {
      "en": {"name": "Time of issuing", "why": "The time at which the token says it was issued is in the future or not a valid time."},
      "sv": {"name": "Utfärdandetid", "why": "Tiden då tokenet säger att det utfärdades ligger i framtiden eller är inte en giltig tidpunkt."}
    },
    "sdjwt.nbf": {
      "en": {"name": "Valid from", "why": "The token is not valid yet, or its start time is not a valid time."},
      "sv": {"name": "Giltig från", "why": "Tokenet är inte giltigt ännu, eller så är dess starttid inte en giltig tidpunkt."}
    },
    "sdjwt.exp": {
      "en": {"name": "Expiry", "why": "The token has expired, or its expiry time is not a valid time."},
      "sv": {"name": "Utgångstid", "why": "Tokenet har gått ut, eller så är dess utgångstid inte en giltig tidpunkt."}
    },
    "sdjwt.claims": {
      "en": {"name": "SD-JWT VC claims", "why": "A claim that must always be visible (the issuer, the type, the validity times, the holder's key, the status) was hidden or is malformed."},
      "sv": {"name": "SD-JWT VC-anspråk", "why": "Ett anspråk som alltid ska synas (utfärdaren, typen, giltighetstiderna, innehavarens nyckel, statusen) var dolt eller är felaktigt."}
    },
    "trust.name": {
      "en": {"name": "Issuer's name", "why": "The name the credential gives its issuer differs from the name a domain, trust list or registry confirms for the signing key; the confirmed name is the one to rely on."},
      "sv": {"name": "Utfärdarens namn", "why": "Namnet som intyget anger för sin utfärdare skiljer sig från det namn som en domän, en förtroendelista eller ett register bekräftar för signeringsnyckeln; det bekräftade namnet är det som gäller."}
    },
    "sdjwt.vct": {
      "en": {"name": "Credential type", "why": "The credential's type description (type metadata) could not be retrieved, does not match its integrity hash, or describes another type."},
      "sv": {"name": "Intygstyp", "why": "Beskrivningen av intygets typ (typmetadata) kunde inte hämtas, stämmer inte med sin kontrollsumma eller beskriver en annan typ."}
    }
  } /* END:CHECKS */;

  // What a warning means: something a reader would assume was checked but was not. By the id
  // of the check concerned; "name" is said in plain words, never as the technical id.
  const WARNINGS = /* BEGIN:WARNINGS */ {
    "jades.revocation": {
      "en": {"name": "The seal certificate's revocation was not checked", "why": "The seal carries no usable revocation information for its certificate, and none is looked up, so the certificate may have been revoked when the credential was sealed."},
      "sv": {"name": "Spärrning av stämpelcertifikatet kontrollerades inte", "why": "Stämpeln bär ingen användbar spärrinformation för sitt certifikat, och ingen slås upp, så certifikatet kan ha varit spärrat när intyget stämplades."}
    },
    "jades.contexts": {
      "en": {"name": "The credential's vocabulary was not processed", "why": "The seal signs the credential's text exactly as it is; the JSON-LD vocabularies it names were not loaded, so its terms were read by their names only."},
      "sv": {"name": "Intygets vokabulär bearbetades inte", "why": "Stämpeln signerar intygets text exakt som den är; de JSON-LD-vokabulärer det anger laddades inte, så dess termer lästes bara efter sina namn."}
    },
    "contexts": {
      "en": {"name": "The text direction is not signed", "why": "Some texts say in which direction they are written (left to right or right to left). The signature covers the texts and their languages, but not that direction, so do not rely on it when showing them."},
      "sv": {"name": "Textriktningen är inte signerad", "why": "Några texter anger i vilken riktning de skrivs (vänster till höger eller höger till vänster). Signaturen täcker texterna och deras språk, men inte riktningen, så lita inte på den när de visas."}
    },
    "status": {
      "en": {"name": "Revocation was not checked", "why": "The credential says where its issuer publishes whether it has been revoked or suspended, but that was not looked up, so it may have been withdrawn."},
      "sv": {"name": "Återkallelse kontrollerades inte", "why": "Intyget anger var utfärdaren publicerar om det har återkallats eller spärrats, men det slogs inte upp, så intyget kan ha dragits tillbaka."}
    },
    "schema": {
      "en": {"name": "The declared schema was not applied", "why": "The credential names a schema (a description of the structure it must have) that this verifier does not know, so its structure was not checked against it."},
      "sv": {"name": "Det angivna schemat tillämpades inte", "why": "Intyget anger ett schema (en beskrivning av den struktur det ska ha) som den här verifieraren inte känner till, så dess struktur kontrollerades inte mot det."}
    },
    "envelope": {
      "en": {"name": "Text beside the envelope is not signed", "why": "The credential came in an envelope that also holds other text; only what is inside the envelope is signed, so that other text was ignored."},
      "sv": {"name": "Text utanför kuvertet är inte signerad", "why": "Intyget kom i ett kuvert som också innehåller annan text; bara det som ligger i kuvertet är signerat, så den andra texten lämnades utan avseende."}
    },
    "proof.suite": {
      "en": {"name": "A further signature was not checked", "why": "Besides the signature that was verified, the credential carries another proof, made with a signature method this verifier does not accept or know; that proof was not checked."},
      "sv": {"name": "En ytterligare signatur kontrollerades inte", "why": "Utöver signaturen som verifierades bär intyget ett annat bevis, gjort med en signaturmetod som den här verifieraren inte godtar eller känner till; det beviset kontrollerades inte."}
    },
    "proof.challenge": {
      "en": {"name": "Not bound to a challenge", "why": "The presentation was not checked against a challenge (a one-time value the verifier chooses), so it could be a copy of an earlier presentation, shown again by someone else."},
      "sv": {"name": "Inte bunden till en utmaning", "why": "Presentationen kontrollerades inte mot en utmaning (ett engångsvärde som verifieraren väljer), så den kan vara en kopia av en tidigare presentation som någon annan visar upp igen."}
    },
    "holder": {
      "en": {"name": "The holder is not named", "why": "The presentation does not say who presents it, so nothing ties it to the person who showed it to you."},
      "sv": {"name": "Innehavaren anges inte", "why": "Presentationen anger inte vem som visar upp den, så inget knyter den till personen som visade den för dig."}
    },
    "sdjwt.kb": {
      "en": {"name": "Not bound to the holder", "why": "The credential is bound to its holder's key, but it was shown without the holder's proof of possession (or without a one-time value from you), so it could be a copy shown by someone else."},
      "sv": {"name": "Inte bunden till innehavaren", "why": "Intyget är bundet till innehavarens nyckel, men visades utan innehavarens bevis på innehav (eller utan ett engångsvärde från dig), så det kan vara en kopia som någon annan visar upp."}
    },
    "trust.name": {
      "en": {"name": "The issuer's own name differs from the confirmed one", "why": "The credential calls its issuer by another name than the one confirmed for its key. Anyone can write any name into a credential; only the confirmed name is vouched for, so it is the one shown as the issuer."},
      "sv": {"name": "Utfärdarens egna namn skiljer sig från det bekräftade", "why": "Intyget kallar sin utfärdare för ett annat namn än det som är bekräftat för dess nyckel. Vem som helst kan skriva vilket namn som helst i ett intyg; bara det bekräftade namnet är garanterat, så det visas som utfärdare."}
    },
    "profile": {
      "en": {"name": "The profile was not applied", "why": "A profile was asked for, but it applies to credentials of the W3C data model; this SD-JWT credential was not checked against it."},
      "sv": {"name": "Profilen tillämpades inte", "why": "En profil efterfrågades, men den gäller intyg enligt W3C:s datamodell; det här SD-JWT-intyget kontrollerades inte mot den."}
    }
  } /* END:WARNINGS */;

  // The Annex I elements (Council Recommendation 2022/C 243/02) by the names the report uses.
  const ELEMENTS = /* BEGIN:ELEMENTS */ {
    "identification of the learner": {"en": "Identification of the learner", "sv": "Identifiering av den studerande"},
    "title of the micro-credential": {"en": "Title of the micro-credential", "sv": "Mikromeritens titel"},
    "country of the issuer": {"en": "Country or region of the issuer", "sv": "Utfärdarens land eller region"},
    "awarding body": {"en": "Awarding body", "sv": "Utfärdande organ"},
    "date of issuing": {"en": "Date of issuing", "sv": "Utfärdandedatum"},
    "learning outcomes": {"en": "Learning outcomes", "sv": "Läranderesultat"},
    "notional workload": {"en": "Notional workload", "sv": "Beräknad arbetsbelastning"},
    "level": {"en": "Level (and cycle)", "sv": "Nivå (och cykel)"},
    "type of assessment": {"en": "Type of assessment", "sv": "Typ av bedömning"},
    "form of participation": {"en": "Form of participation", "sv": "Form av deltagande"},
    "type of quality assurance": {"en": "Type of quality assurance", "sv": "Typ av kvalitetssäkring"},
    "prerequisites": {"en": "Prerequisites", "sv": "Förkunskapskrav"},
    "supervision and identity verification": {"en": "Supervision and identity verification", "sv": "Övervakning och identitetskontroll"},
    "grade": {"en": "Grade", "sv": "Betyg"},
    "integration and stackability": {"en": "Integration and stackability", "sv": "Integrering och stapelbarhet"},
    "further information": {"en": "Further information", "sv": "Ytterligare information"}
  } /* END:ELEMENTS */;

  // Every other piece of text on the page. {name} marks a value filled in at run time.
  const STRINGS = /* BEGIN:STRINGS */ {
    "en": {
      "pageTitle": "Verify a credential – microcred",
      "skipToContent": "Skip to content",
      "heading": "Verify a credential",
      "intro": "Check a digital credential: an Open Badge, a Comprehensive Learner Record or an EU micro-credential. The check runs on this server; nothing is sent anywhere else.",
      "inputHeading": "Credential to check",
      "textLabel": "Paste the credential (JSON or JWT)",
      "textHelp": "The whole credential as JSON text, a compact JWT (three parts separated by dots), or an SD-JWT (a JWT followed by ~ and the disclosures the holder chose).",
      "verifyButton": "Verify",
      "or": "or",
      "fileLabel": "Credential file (PNG, SVG, JSON or JWT)",
      "dropTitle": "Choose a file, or drop it here",
      "dropHelp": "A badge image with the credential baked in (PNG or SVG), or a JSON or JWT file.",
      "resultHeading": "Result",
      "resultEmpty": "No credential checked yet.",
      "footer": "microcred verifier: W3C Verifiable Credentials, Open Badges 3.0, CLR 2.0 and EU micro-credentials (Council Recommendation 2022/C 243/02, Annex I).",
      "emptyInput": "Paste a credential first, or choose a file.",
      "busy": "Verifying…",
      "fileChecked": "File: {name} ({size})",
      "pastedChecked": "Pasted text ({size})",
      "verdict.verified": "Verified",
      "verdict.invalid": "Invalid",
      "verdict.indeterminate": "Could not be determined",
      "summary.verified": "The signature is valid and every check passed.",
      "summary.verified.warnings.one": "The signature is valid and the checks that ran passed, but 1 thing was not checked:",
      "summary.verified.warnings.many": "The signature is valid and the checks that ran passed, but {n} things were not checked:",
      "warningsHeading": "Not checked",
      "warningsHeading.count": "Not checked ({n})",
      "warning.unknown": "{name} was not checked",
      "warning.unknownWhy": "This was not checked, although you might expect it to be.",
      "summary.invalid.one": "1 check failed. The reason is explained below.",
      "summary.invalid.many": "{n} checks failed. The reasons are explained below.",
      "summary.indeterminate.one": "Nothing failed, but 1 check could not be carried out.",
      "summary.indeterminate.many": "Nothing failed, but {n} checks could not be carried out.",
      "summary.indeterminate.none": "No check could be completed.",
      "subject.issued": "{name}, issued by {issuer}",
      "subject.claimed": "{name}, which claims to be issued by {issuer}",
      "subject.issuerOnly": "Issued by {issuer}",
      "subject.issuerClaimed": "Claims to be issued by {issuer}",
      "subject.selfAsserted": "{name}, issued by {issuer} (self-asserted name)",
      "subject.issuerSelfAsserted": "Issued by {issuer} (self-asserted name)",
      "trust.confirmed.domain": "Issuer confirmed by domain: {name} ({source})",
      "trust.confirmed.list": "Issuer confirmed by list: {name} ({source})",
      "trust.confirmed.registry": "Issuer confirmed by registry: {name} ({source})",
      "trust.confirmed.trusted-list": "Issuer confirmed by trusted list: {name} ({source})",
      "trust.confirmed.other": "Issuer confirmed: {name} ({source})",
      "trust.unconfirmed": "Issuer name not confirmed: self-asserted; the key is not linked to a domain or a trust list",
      "trust.note": "Whether the issuer is confirmed is separate from the verdict: a valid signature proves which key signed, not who holds it.",
      "seal.heading": "Electronic seal (JAdES)",
      "seal.by": "Sealed by {holder}",
      "seal.country": "Country: {country}",
      "seal.qualified": "Qualified certificate: yes (the certificate declares QcCompliance)",
      "seal.notQualified": "Qualified certificate: no",
      "seal.qscd": "Key in a qualified seal creation device (QSCD)",
      "seal.level": "JAdES level established: {level}",
      "seal.noLevel": "JAdES level established: none",
      "seal.time": "Signing time: {time}",
      "seal.timestamped": "Time-stamped: {time}",
      "seal.note": "The seal's holder, country and qualified status are what its certificate says; whether a trust anchor or an EU trusted list confirms them is the issuer answer.",
      "trust.nameDiffers": "The credential calls its issuer “{claimed}”; the confirmed name is “{name}”.",
      "field.issuerTrust": "Issuer confirmed",
      "field.claimedName": "Name the credential gives its issuer (self-asserted)",
      "value.trustConfirmed": "Yes: {how}",
      "value.trustUnconfirmed": "No: the name is self-asserted",
      "value.selfAsserted": "(self-asserted)",
      "by.domain": "by domain",
      "by.list": "by list",
      "by.registry": "by registry",
      "by.trusted-list": "by trusted list",
      "requestFailed": "Could not verify",
      "tooLarge": "The input is larger than this server accepts.",
      "networkError": "The server could not be reached. Check the connection and try again.",
      "serverError": "The server could not handle the request.",
      "credentialHeading": "Credential",
      "unconfirmed": "These details are what the credential claims. They are not confirmed, because the verification did not succeed.",
      "field.name": "Name",
      "field.issuerName": "Issuer",
      "field.issuerId": "Issuer identifier",
      "field.issuerUrl": "Issuer website",
      "field.format": "Format",
      "field.read": "Read as",
      "noName": "(no name given)",
      "notStated": "(not stated)",
      "format.data-integrity": "Data Integrity proof",
      "format.jwt": "JSON Web Token (JWT)",
      "format.vc+jwt": "JSON Web Token (JWT)",
      "format.unknown": "unknown",
      "format.sd-jwt-vc": "SD-JWT VC (selective disclosure)",
      "format.vc+sd-jwt": "Verifiable Credential as SD-JWT (selective disclosure)",
      "format.sd-jwt": "SD-JWT (selective disclosure)",
      "disclosureHeading": "What the holder disclosed",
      "disclosedCount": "Disclosed by the holder ({n}):",
      "noneDisclosed": "The holder disclosed none of the claims that can be withheld; only the claims always shown are there.",
      "hiddenCount": "{n} claim(s) stayed hidden: the holder did not disclose them (some may be decoys). They were never sent to this page, so they are not shown.",
      "noneHidden": "Nothing stayed hidden: every claim of the credential is shown.",
      "annexNotDisclosed": "Not disclosed by the holder: {list}.",
      "value.hidden": "Not disclosed",
      "kind.credential": "credential",
      "kind.presentation": "presentation",
      "kind.unknown": "",
      "annexHeading": "EU micro-credential (Annex I)",
      "annexCaption": "Annex I elements of the micro-credential",
      "annexComplete": "All {n} mandatory elements are present.",
      "annexMissing": "Mandatory elements missing: {list}.",
      "col.element": "Element",
      "col.value": "Value",
      "col.mandatory": "Mandatory?",
      "mandatory.yes": "Mandatory",
      "mandatory.no": "Optional",
      "value.missing": "Missing",
      "value.notGiven": "Not given",
      "problemsHeading": "What went wrong",
      "errorsHeading": "What could not be checked",
      "errorNote": "This check could not be carried out, so the result cannot be determined.",
      "technical": "Technical detail:",
      "at": "at",
      "inCredential": "In credential {n} of the set",
      "checksHeading": "All checks",
      "checksSummary": "Checks that passed ({passed}) or were skipped ({skipped})",
      "noOtherChecks": "No other checks ran.",
      "status.passed": "Passed",
      "status.failed": "Failed",
      "status.skipped": "Skipped",
      "status.error": "Could not be checked",
      "unknownCheck": "This check did not pass."
    },
    "sv": {
      "pageTitle": "Verifiera ett intyg – microcred",
      "skipToContent": "Hoppa till innehållet",
      "heading": "Verifiera ett intyg",
      "intro": "Kontrollera ett digitalt intyg: en Open Badge, ett Comprehensive Learner Record eller en EU-mikromerit. Kontrollen görs på den här servern; inget skickas någon annanstans.",
      "inputHeading": "Intyg att kontrollera",
      "textLabel": "Klistra in intyget (JSON eller JWT)",
      "textHelp": "Hela intyget som JSON-text, en kompakt JWT (tre delar åtskilda av punkter) eller en SD-JWT (en JWT följd av ~ och de uppgifter som innehavaren valde att visa).",
      "verifyButton": "Verifiera",
      "or": "eller",
      "fileLabel": "Intygsfil (PNG, SVG, JSON eller JWT)",
      "dropTitle": "Välj en fil, eller släpp den här",
      "dropHelp": "En märkesbild med intyget inbakat (PNG eller SVG), eller en JSON- eller JWT-fil.",
      "resultHeading": "Resultat",
      "resultEmpty": "Inget intyg har kontrollerats ännu.",
      "footer": "microcred verifierare: W3C Verifiable Credentials, Open Badges 3.0, CLR 2.0 och EU-mikromeriter (rådets rekommendation 2022/C 243/02, bilaga I).",
      "emptyInput": "Klistra in ett intyg först, eller välj en fil.",
      "busy": "Verifierar…",
      "fileChecked": "Fil: {name} ({size})",
      "pastedChecked": "Inklistrad text ({size})",
      "verdict.verified": "Verifierad",
      "verdict.invalid": "Ogiltig",
      "verdict.indeterminate": "Kunde inte avgöras",
      "summary.verified": "Signaturen är giltig och alla kontroller godkändes.",
      "summary.verified.warnings.one": "Signaturen är giltig och de kontroller som gjordes godkändes, men 1 sak kontrollerades inte:",
      "summary.verified.warnings.many": "Signaturen är giltig och de kontroller som gjordes godkändes, men {n} saker kontrollerades inte:",
      "warningsHeading": "Kontrollerades inte",
      "warningsHeading.count": "Kontrollerades inte ({n})",
      "warning.unknown": "{name} kontrollerades inte",
      "warning.unknownWhy": "Det här kontrollerades inte, fast du kanske räknar med det.",
      "summary.invalid.one": "1 kontroll underkändes. Orsaken förklaras nedan.",
      "summary.invalid.many": "{n} kontroller underkändes. Orsakerna förklaras nedan.",
      "summary.indeterminate.one": "Inget underkändes, men 1 kontroll kunde inte genomföras.",
      "summary.indeterminate.many": "Inget underkändes, men {n} kontroller kunde inte genomföras.",
      "summary.indeterminate.none": "Ingen kontroll kunde slutföras.",
      "subject.issued": "{name}, utfärdat av {issuer}",
      "subject.claimed": "{name}, som uppger sig vara utfärdat av {issuer}",
      "subject.issuerOnly": "Utfärdat av {issuer}",
      "subject.issuerClaimed": "Uppger sig vara utfärdat av {issuer}",
      "subject.selfAsserted": "{name}, utfärdat av {issuer} (självuppgivet namn)",
      "subject.issuerSelfAsserted": "Utfärdat av {issuer} (självuppgivet namn)",
      "trust.confirmed.domain": "Utfärdare bekräftad av domän: {name} ({source})",
      "trust.confirmed.list": "Utfärdare bekräftad av lista: {name} ({source})",
      "trust.confirmed.registry": "Utfärdare bekräftad av register: {name} ({source})",
      "trust.confirmed.trusted-list": "Utfärdare bekräftad av förtroendelista: {name} ({source})",
      "trust.confirmed.other": "Utfärdare bekräftad: {name} ({source})",
      "trust.unconfirmed": "Utfärdarens namn är inte bekräftat: det är självuppgivet; nyckeln är inte kopplad till en domän eller en förtroendelista",
      "trust.note": "Om utfärdaren är bekräftad är skilt från resultatet: en giltig signatur visar vilken nyckel som signerade, inte vem som innehar den.",
      "seal.heading": "Elektronisk stämpel (JAdES)",
      "seal.by": "Stämplat av {holder}",
      "seal.country": "Land: {country}",
      "seal.qualified": "Kvalificerat certifikat: ja (certifikatet anger QcCompliance)",
      "seal.notQualified": "Kvalificerat certifikat: nej",
      "seal.qscd": "Nyckeln i en kvalificerad anordning för att skapa stämplar (QSCD)",
      "seal.level": "Fastställd JAdES-nivå: {level}",
      "seal.noLevel": "Fastställd JAdES-nivå: ingen",
      "seal.time": "Signeringstid: {time}",
      "seal.timestamped": "Tidsstämplad: {time}",
      "seal.note": "Stämpelns innehavare, land och kvalificering är vad dess certifikat säger; om ett förtroendeankare eller en EU-förtroendelista bekräftar dem är utfärdarsvaret.",
      "trust.nameDiffers": "Intyget kallar sin utfärdare ”{claimed}”; det bekräftade namnet är ”{name}”.",
      "field.issuerTrust": "Utfärdare bekräftad",
      "field.claimedName": "Namn som intyget anger för utfärdaren (självuppgivet)",
      "value.trustConfirmed": "Ja: {how}",
      "value.trustUnconfirmed": "Nej: namnet är självuppgivet",
      "value.selfAsserted": "(självuppgivet)",
      "by.domain": "av domän",
      "by.list": "av lista",
      "by.registry": "av register",
      "by.trusted-list": "av förtroendelista",
      "requestFailed": "Kunde inte verifiera",
      "tooLarge": "Indata är större än vad servern tar emot.",
      "networkError": "Servern gick inte att nå. Kontrollera anslutningen och försök igen.",
      "serverError": "Servern kunde inte hantera begäran.",
      "credentialHeading": "Intyg",
      "unconfirmed": "Uppgifterna är vad intyget påstår. De är inte bekräftade, eftersom verifieringen inte lyckades.",
      "field.name": "Namn",
      "field.issuerName": "Utfärdare",
      "field.issuerId": "Utfärdarens identifierare",
      "field.issuerUrl": "Utfärdarens webbplats",
      "field.format": "Format",
      "field.read": "Läst som",
      "noName": "(inget namn angivet)",
      "notStated": "(anges inte)",
      "format.data-integrity": "Data Integrity-bevis",
      "format.jwt": "JSON Web Token (JWT)",
      "format.vc+jwt": "JSON Web Token (JWT)",
      "format.unknown": "okänt",
      "format.sd-jwt-vc": "SD-JWT VC (selektivt visade uppgifter)",
      "format.vc+sd-jwt": "Verifierbart intyg som SD-JWT (selektivt visade uppgifter)",
      "format.sd-jwt": "SD-JWT (selektivt visade uppgifter)",
      "disclosureHeading": "Vad innehavaren visade",
      "disclosedCount": "Visade av innehavaren ({n}):",
      "noneDisclosed": "Innehavaren visade ingen av de uppgifter som kan hållas dolda; bara de uppgifter som alltid visas finns med.",
      "hiddenCount": "{n} uppgift(er) förblev dolda: innehavaren visade dem inte (några kan vara lockbeten). De skickades aldrig till den här sidan och visas därför inte.",
      "noneHidden": "Inget förblev dolt: alla intygets uppgifter visas.",
      "annexNotDisclosed": "Visades inte av innehavaren: {list}.",
      "value.hidden": "Inte visat",
      "kind.credential": "intyg",
      "kind.presentation": "presentation",
      "kind.unknown": "",
      "annexHeading": "EU-mikromerit (bilaga I)",
      "annexCaption": "Mikromeritens element enligt bilaga I",
      "annexComplete": "Alla {n} obligatoriska element finns med.",
      "annexMissing": "Obligatoriska element som saknas: {list}.",
      "col.element": "Element",
      "col.value": "Värde",
      "col.mandatory": "Obligatoriskt?",
      "mandatory.yes": "Obligatoriskt",
      "mandatory.no": "Valfritt",
      "value.missing": "Saknas",
      "value.notGiven": "Ej angivet",
      "problemsHeading": "Vad som var fel",
      "errorsHeading": "Vad som inte kunde kontrolleras",
      "errorNote": "Kontrollen kunde inte genomföras, så resultatet kan inte avgöras.",
      "technical": "Teknisk detalj:",
      "at": "vid",
      "inCredential": "I intyg {n} i samlingen",
      "checksHeading": "Alla kontroller",
      "checksSummary": "Kontroller som godkändes ({passed}) eller hoppades över ({skipped})",
      "noOtherChecks": "Inga andra kontroller kördes.",
      "status.passed": "Godkänd",
      "status.failed": "Underkänd",
      "status.skipped": "Hoppades över",
      "status.error": "Kunde inte kontrolleras",
      "unknownCheck": "Den här kontrollen godkändes inte."
    }
  } /* END:STRINGS */;

  const LANGUAGES = ["en", "sv"];
  const ICONS = {"verified": "✓", "invalid": "✕", "indeterminate": "?"};
  const STATUS_ICONS = {"passed": "✓", "failed": "✕", "skipped": "–", "error": "!"};

  let language = "en";
  let shown = null; // what the result area shows: {type: "report"|"problem"|"busy", ...}
  let source = null; // what was checked: {type: "file"|"text", name, size}
  let pending = false;

  // ------------------------------------------------------------------ helpers

  function t(key, values) {
    let text = STRINGS[language][key];
    if (text === undefined) {
      text = STRINGS.en[key] !== undefined ? STRINGS.en[key] : key;
    }
    if (values) {
      text = text.replace(/\{(\w+)\}/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
      });
    }
    return text;
  }

  // An element with text content only; children are appended as nodes, never parsed.
  function el(tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    if (opts.className) {
      node.className = opts.className;
    }
    if (opts.text !== undefined && opts.text !== null) {
      node.textContent = String(opts.text);
    }
    if (opts.attrs) {
      Object.keys(opts.attrs).forEach(function (name) {
        node.setAttribute(name, opts.attrs[name]);
      });
    }
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  function icon(symbol) {
    return el("span", {className: "icon", text: symbol, attrs: {"aria-hidden": "true"}});
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function asText(value) {
    return typeof value === "string" ? value : "";
  }

  function formatSize(bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    const kb = bytes / 1024;
    if (kb < 1024) {
      return kb.toFixed(1) + " kB";
    }
    return (kb / 1024).toFixed(1) + " MB";
  }

  function checkText(id) {
    const entry = Object.prototype.hasOwnProperty.call(CHECKS, id) ? CHECKS[id][language] : null;
    return entry || {name: id, why: t("unknownCheck")};
  }

  // A warning in plain words: {name, why}; an id without its own text is named after its check.
  function warningText(id) {
    const entry = Object.prototype.hasOwnProperty.call(WARNINGS, id) ? WARNINGS[id][language] : null;
    return entry || {name: t("warning.unknown", {name: checkText(id).name}), why: t("warning.unknownWhy")};
  }

  // How a check is named in a list: a status (revocation) check that was skipped although the
  // credential has a status (the report warns of it) is said in plain words ("Revocation was
  // not checked"), never only as "Status"; a credential without any status keeps the check's name.
  function checkName(check, warned) {
    if (check.id === "status" && check.status === "skipped" && warned) {
      return warningText("status").name;
    }
    return checkText(check.id).name;
  }

  // The value of an Annex I row in the page's language: the server writes the words
  // microcred adds itself (units, level, participation, ...) in each language ("values"),
  // and "value" (English) for a server that does not.
  function rowValue(row) {
    const values = row.values;
    if (values && typeof values === "object" && Object.prototype.hasOwnProperty.call(values, language)) {
      return asText(values[language]);
    }
    return asText(row.value);
  }

  // The issuer-trust answer of the report ({issuer: "confirmed"|"unconfirmed", by, name,
  // source}), or null for a server that gives none. Never part of the verdict.
  function trustOf(data) {
    const trust = data.trust;
    if (!trust || typeof trust !== "object") {
      return null;
    }
    return trust.issuer === "confirmed" && asText(trust.name) ? trust : {issuer: "unconfirmed", reason: trust.reason};
  }

  // The issuer's name to show: the confirmed one when confirmed, else what the credential says.
  function shownIssuerName(data) {
    const trust = trustOf(data);
    if (trust && trust.issuer === "confirmed") {
      return asText(trust.name);
    }
    return data.issuer && typeof data.issuer === "object" ? asText(data.issuer.name) : "";
  }

  // The name the credential gives its issuer when a confirmed name differs from it.
  function differingClaimedName(data) {
    const trust = trustOf(data);
    const claimed = data.issuer && typeof data.issuer === "object" ? asText(data.issuer.name) : "";
    return trust && trust.issuer === "confirmed" && claimed && claimed !== asText(trust.name) ? claimed : "";
  }

  function trustLineText(trust) {
    if (trust.issuer !== "confirmed") {
      return t("trust.unconfirmed");
    }
    const by = asText(trust.by);
    const known = ["domain", "list", "registry", "trusted-list"].indexOf(by) >= 0;
    const values = {name: asText(trust.name), source: asText(trust.source) || by};
    return known ? t("trust.confirmed." + by, values) : t("trust.confirmed.other", values);
  }

  function isTrustWarning(item) {
    return asText(item.check.id).indexOf("trust.") === 0;
  }

  function elementLabel(name) {
    const entry = Object.prototype.hasOwnProperty.call(ELEMENTS, name) ? ELEMENTS[name] : null;
    return entry ? entry[language] : name;
  }

  // ----------------------------------------------------------------- language

  function applyLanguage(lang) {
    language = LANGUAGES.indexOf(lang) >= 0 ? lang : "en";
    document.documentElement.lang = language;
    document.title = t("pageTitle");
    document.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    document.querySelectorAll(".lang-button").forEach(function (button) {
      const active = button.getAttribute("data-lang") === language;
      button.setAttribute("aria-pressed", active ? "true" : "false");
    });
    const error = document.getElementById("credential-error");
    if (!error.hidden) {
      error.textContent = t("emptyInput");
    }
    renderSource();
    render();
  }

  function preferredLanguage() {
    return /^sv\b/i.test(navigator.language || "") ? "sv" : "en";
  }

  // ---------------------------------------------------------------- rendering

  function render() {
    const live = document.getElementById("result-live");
    const details = document.getElementById("result-details");
    clear(live);
    clear(details);
    if (shown === null) {
      live.appendChild(el("p", {className: "hint", text: t("resultEmpty")}));
    } else if (shown.type === "busy") {
      live.appendChild(el("p", {className: "busy", text: t("busy")}, []));
    } else if (shown.type === "problem") {
      renderProblem(live, shown);
    } else {
      renderReport(live, details, shown.data);
    }
  }

  function renderSource() {
    const node = document.getElementById("file-name");
    if (!source) {
      node.hidden = true;
      node.textContent = "";
      return;
    }
    const size = formatSize(source.size);
    node.textContent = source.type === "file"
      ? t("fileChecked", {name: source.name, size: size})
      : t("pastedChecked", {size: size});
    node.hidden = false;
  }

  function renderProblem(live, problem) {
    const box = el("div", {className: "verdict verdict-problem", attrs: {"id": "verdict"}}, [
      icon("!"),
      el("div", {className: "verdict-text"}, [
        el("h3", {className: "verdict-title", text: t("requestFailed")}),
        el("p", {text: problem.message}),
      ]),
    ]);
    if (problem.detail) {
      box.lastChild.appendChild(el("p", {className: "technical"}, [
        el("span", {className: "technical-label", text: t("technical") + " "}),
        el("code", {text: problem.detail}),
      ]));
    }
    live.appendChild(box);
  }

  function allChecks(report) {
    const list = [];
    (report.checks || []).forEach(function (check) {
      list.push({check: check, inside: null});
    });
    (report.credentials || []).forEach(function (inner, index) {
      allChecks(inner).forEach(function (item) {
        list.push({check: item.check, inside: item.inside === null ? index + 1 : item.inside});
      });
    });
    return list;
  }

  // Every warning, the embedded credentials' included: [{check: {id, message, path}, inside}].
  // The server lists them in data.warnings; an answer without that list is walked instead.
  function allWarnings(data, report) {
    if (Array.isArray(data.warnings)) {
      return data.warnings.filter(function (w) { return w && typeof w === "object"; }).map(function (w) {
        return {check: w, inside: typeof w.credential === "number" ? w.credential : null};
      });
    }
    const list = [];
    (function walk(current, inside) {
      (Array.isArray(current.warnings) ? current.warnings : []).forEach(function (w) {
        list.push({check: w, inside: inside});
      });
      (Array.isArray(current.credentials) ? current.credentials : []).forEach(function (inner, index) {
        walk(inner || {}, inside === null ? index + 1 : inside);
      });
    })(report, null);
    return list;
  }

  function renderReport(live, details, data) {
    const report = data.report || {};
    const outcome = ["verified", "invalid", "indeterminate"].indexOf(report.outcome) >= 0
      ? report.outcome : "indeterminate";
    const checks = allChecks(report);
    const failed = checks.filter(function (item) { return item.check.status === "failed"; });
    const errors = checks.filter(function (item) { return item.check.status === "error"; });
    // a warning about the issuer's name belongs with the trust answer, not with what was not
    // checked (it does not mean a check was left out)
    const everyWarning = allWarnings(data, report);
    const warnings = everyWarning.filter(function (item) { return !isTrustWarning(item); });
    const trustWarnings = everyWarning.filter(isTrustWarning);

    let summary;
    if (outcome === "verified" && warnings.length) {
      // never "every check passed" while something a reader would assume was checked was not
      summary = warnings.length === 1
        ? t("summary.verified.warnings.one")
        : t("summary.verified.warnings.many", {n: warnings.length});
    } else if (outcome === "verified") {
      summary = t("summary.verified");
    } else if (outcome === "invalid") {
      summary = failed.length === 1 ? t("summary.invalid.one") : t("summary.invalid.many", {n: failed.length});
    } else if (errors.length === 0) {
      summary = t("summary.indeterminate.none");
    } else {
      summary = errors.length === 1
        ? t("summary.indeterminate.one") : t("summary.indeterminate.many", {n: errors.length});
    }
    live.appendChild(el("div", {className: "verdict verdict-" + outcome, attrs: {"id": "verdict"}}, [
      icon(ICONS[outcome]),
      el("div", {className: "verdict-text"}, [
        el("h3", {className: "verdict-title", text: t("verdict." + outcome), attrs: {"id": "verdict-title"}}),
        el("p", {className: "verdict-summary", text: summary}),
        subjectLine(data, outcome),
      ]),
    ]));
    const trust = trustOf(data);
    if (trust) {
      live.appendChild(renderTrust(data, trust, trustWarnings));
    } else if (Array.isArray(report.credentials) && report.credentials.length > 1) {
      const sets = renderSetTrust(report.credentials);
      if (sets) {
        live.appendChild(sets);
      }
    }
    if (report.seal && typeof report.seal === "object") {
      live.appendChild(renderSeal(report.seal, report.jades_level));
    }
    if (warnings.length) {
      live.appendChild(renderWarnings(warnings));
    }

    if (failed.length) {
      details.appendChild(renderProblems("problemsHeading", failed, "failed-checks"));
    }
    if (errors.length) {
      details.appendChild(renderProblems("errorsHeading", errors, "error-checks"));
    }
    details.appendChild(renderCredential(data, report, outcome));
    if (data.disclosure && typeof data.disclosure === "object") {
      details.appendChild(renderDisclosure(data.disclosure));
    }
    if (data.microCredential) {
      details.appendChild(renderAnnex(data.microCredential, data));
    }
    details.appendChild(renderOtherChecks(checks, everyWarning));
  }

  // The seal of a JAdES-sealed credential (a European Digital Credential): who its certificate
  // names, the country, whether the certificate declares itself qualified, and the level the
  // checks established. What the certificate says, never coloured like the verdict.
  function renderSeal(seal, level) {
    const qualified = seal.qualified === true;
    const lines = [
      el("p", {className: "trust-line", attrs: {"id": "seal-holder"}}, [
        icon("✉"),
        el("strong", {text: t("seal.by", {holder: asText(seal.holder)})}),
      ]),
    ];
    if (asText(seal.country)) {
      lines.push(el("p", {attrs: {"id": "seal-country"}, text: t("seal.country", {country: asText(seal.country)})}));
    }
    lines.push(el("p", {attrs: {"id": "seal-qualified", "data-qualified": qualified ? "yes" : "no"}, text: t(qualified ? "seal.qualified" : "seal.notQualified")}));
    if (seal.qscd === true) {
      lines.push(el("p", {attrs: {"id": "seal-qscd"}, text: t("seal.qscd")}));
    }
    lines.push(el("p", {attrs: {"id": "seal-level"}, text: asText(level) ? t("seal.level", {level: asText(level)}) : t("seal.noLevel")}));
    if (asText(seal.signing_time)) {
      lines.push(el("p", {text: t("seal.time", {time: asText(seal.signing_time)})}));
    }
    if (asText(seal.timestamp_time)) {
      lines.push(el("p", {text: t("seal.timestamped", {time: asText(seal.timestamp_time)})}));
    }
    lines.push(el("p", {className: "trust-note", text: t("seal.note")}));
    return el("section", {className: "trust seal", attrs: {"id": "seal", "aria-label": t("seal.heading")}}, [
      el("h3", {className: "seal-heading", text: t("seal.heading")}),
    ].concat(lines));
  }

  // A presentation of several credentials has no issuer of its own: one trust line for each
  // credential of the set that has an answer.
  function renderSetTrust(credentials) {
    const items = [];
    credentials.forEach(function (inner, index) {
      const trust = inner && typeof inner === "object" ? trustOf({trust: inner.trust}) : null;
      if (trust) {
        const confirmed = trust.issuer === "confirmed";
        items.push(el("li", {className: "trust-line", attrs: {"data-trust": confirmed ? "confirmed" : "unconfirmed", "data-credential": String(index + 1)}}, [
          icon(confirmed ? "✓" : "?"),
          el("span", {}, [
            el("span", {className: "trust-where", text: t("inCredential", {n: index + 1}) + ": "}),
            el("strong", {text: trustLineText(trust)}),
          ]),
        ]));
      }
    });
    if (!items.length) {
      return null;
    }
    return el("section", {className: "trust trust-set", attrs: {"id": "trust", "data-trust": "set", "aria-label": t("field.issuerTrust")}}, [
      el("ul", {className: "trust-list"}, items),
      el("p", {className: "trust-note", text: t("trust.note")}),
    ]);
  }

  // The trust line: whether the issuer's name is confirmed, and by what; beside the verdict,
  // in its own box, never part of it. A name the credential gives that differs from the
  // confirmed one is said, with the trust.name warning's explanation.
  function renderTrust(data, trust, trustWarnings) {
    const confirmed = trust.issuer === "confirmed";
    const box = el("section", {className: "trust " + (confirmed ? "trust-confirmed" : "trust-unconfirmed"), attrs: {"id": "trust", "data-trust": confirmed ? "confirmed" : "unconfirmed", "aria-label": t("field.issuerTrust")}}, [
      el("p", {className: "trust-line", attrs: {"id": "trust-line"}}, [
        icon(confirmed ? "✓" : "?"),
        el("strong", {text: trustLineText(trust)}),
      ]),
    ]);
    const claimed = differingClaimedName(data);
    const ids = trustWarnings.map(function (item) { return asText(item.check.id); });
    if (claimed && ids.indexOf("trust.name") < 0) {
      ids.push("trust.name");
    }
    ids.filter(function (id, index) { return ids.indexOf(id) === index; }).forEach(function (id) {
      const text = warningText(id);
      const entry = el("div", {className: "trust-warning", attrs: {"data-warning": id}}, [
        el("p", {className: "warning-name"}, [icon("⚠"), el("strong", {text: text.name})]),
      ]);
      if (id === "trust.name" && claimed) {
        entry.appendChild(el("p", {className: "trust-names", text: t("trust.nameDiffers", {claimed: claimed, name: asText(trust.name)})}));
      }
      entry.appendChild(el("p", {className: "explanation", text: text.why}));
      trustWarnings.forEach(function (item) {
        if (asText(item.check.id) === id) {
          entry.appendChild(el("p", {className: "technical"}, [
            el("span", {className: "technical-label", text: t("technical") + " "}),
            el("code", {text: id + ": " + asText(item.check.message)}),
          ]));
        }
      });
      box.appendChild(entry);
    });
    box.appendChild(el("p", {className: "trust-note", text: t("trust.note")}));
    // why it is unconfirmed, when the line above does not already say it (a credential that
    // did not verify, for example)
    const reason = asText(trust.reason);
    const said = STRINGS.en["trust.unconfirmed"];
    if (!confirmed && reason && said.slice(said.length - reason.length) !== reason) {
      box.appendChild(el("p", {className: "technical"}, [
        el("span", {className: "technical-label", text: t("technical") + " "}),
        el("code", {text: reason}),
      ]));
    }
    return box;
  }

  // "<name>, issued by <issuer>": what the credential is, in one line (a claim until verified).
  function subjectLine(data, outcome) {
    const name = asText(data.name);
    const shownName = shownIssuerName(data);
    const issuer = shownName || (data.issuer && typeof data.issuer === "object" ? asText(data.issuer.id) : "");
    if (!name && !issuer) {
      return null;
    }
    const verified = outcome === "verified";
    const trust = trustOf(data);
    // a verified credential whose issuer's name nothing confirms: the name is its own claim
    const selfAsserted = verified && trust !== null && trust.issuer !== "confirmed" && shownName !== "";
    let text;
    if (name && issuer) {
      const key = selfAsserted ? "subject.selfAsserted" : verified ? "subject.issued" : "subject.claimed";
      text = t(key, {name: name, issuer: issuer});
    } else if (name) {
      text = name;
    } else {
      const key = selfAsserted ? "subject.issuerSelfAsserted" : verified ? "subject.issuerOnly" : "subject.issuerClaimed";
      text = t(key, {issuer: issuer});
    }
    return el("p", {className: "verdict-subject", text: text});
  }

  // The warnings, right below the verdict (and inside the live region, so that the summary's
  // "…, but 1 thing was not checked:" is announced with what it was).
  function renderWarnings(items) {
    const section = el("section", {className: "warnings", attrs: {"id": "warnings", "aria-labelledby": "warnings-title"}}, [
      el("h3", {className: "warnings-title", attrs: {"id": "warnings-title"}}, [
        icon("⚠"),
        el("span", {text: t("warningsHeading.count", {n: items.length})}),
      ]),
    ]);
    const list = el("ul", {className: "warning-list"});
    items.forEach(function (item) {
      const warning = item.check;
      const id = asText(warning.id);
      const text = warningText(id);
      const entry = el("li", {className: "warning", attrs: {"data-warning": id}}, [
        el("p", {className: "warning-name"}, [el("strong", {text: text.name})]),
      ]);
      if (item.inside !== null) {
        entry.appendChild(el("p", {className: "inside", text: t("inCredential", {n: item.inside})}));
      }
      entry.appendChild(el("p", {className: "explanation", text: text.why}));
      const technical = el("p", {className: "technical"}, [
        el("span", {className: "technical-label", text: t("technical") + " "}),
        el("code", {text: id + ": " + asText(warning.message)}),
      ]);
      if (asText(warning.path)) {
        technical.appendChild(document.createTextNode(" " + t("at") + " "));
        technical.appendChild(el("code", {text: warning.path}));
      }
      entry.appendChild(technical);
      list.appendChild(entry);
    });
    section.appendChild(list);
    return section;
  }

  function renderProblems(headingKey, items, id) {
    const section = el("section", {className: "block", attrs: {"id": id, "aria-labelledby": id + "-title"}}, [
      el("h3", {text: t(headingKey), attrs: {"id": id + "-title"}}),
    ]);
    const list = el("ul", {className: "problem-list"});
    items.forEach(function (item) {
      const check = item.check;
      const status = check.status === "error" ? "error" : "failed";
      // a status list that could not be had: "Revocation was not checked", and what that means
      const plain = check.id === "status" && status === "error"; // the name says it already
      const text = plain ? warningText("status") : checkText(check.id);
      const entry = el("li", {className: "problem problem-" + status, attrs: {"data-check": check.id}}, [
        el("p", {className: "problem-title"}, [
          icon(STATUS_ICONS[status]),
          el("strong", {text: text.name}),
          plain ? null : el("span", {className: "status-text", text: " – " + t("status." + status)}),
        ]),
      ]);
      if (item.inside !== null) {
        entry.appendChild(el("p", {className: "inside", text: t("inCredential", {n: item.inside})}));
      }
      if (status === "error") {
        entry.appendChild(el("p", {className: "explanation", text: t("errorNote")}));
      }
      entry.appendChild(el("p", {className: "explanation", text: text.why}));
      const technical = el("p", {className: "technical"}, [
        el("span", {className: "technical-label", text: t("technical") + " "}),
        el("code", {text: check.id + ": " + asText(check.message)}),
      ]);
      if (check.path) {
        technical.appendChild(document.createTextNode(" " + t("at") + " "));
        technical.appendChild(el("code", {text: asText(check.path)}));
      }
      entry.appendChild(technical);
      list.appendChild(entry);
    });
    section.appendChild(list);
    return section;
  }

  function definition(list, labelKey, value, className) {
    list.appendChild(el("dt", {text: t(labelKey)}));
    list.appendChild(el("dd", {className: className || "", text: value}));
  }

  function renderCredential(data, report, outcome) {
    const section = el("section", {className: "block", attrs: {"id": "credential-info", "aria-labelledby": "credential-info-title"}}, [
      el("h3", {text: t("credentialHeading"), attrs: {"id": "credential-info-title"}}),
    ]);
    if (outcome !== "verified") {
      section.appendChild(el("p", {className: "note", text: t("unconfirmed")}));
    }
    const list = el("dl", {className: "facts"});
    const issuer = data.issuer && typeof data.issuer === "object" ? data.issuer : {};
    definition(list, "field.name", asText(data.name) || t("noName"), "credential-name");
    definition(list, "field.issuerName", shownIssuerName(data) || t("notStated"), "issuer-name");
    const claimed = differingClaimedName(data);
    if (claimed) {
      definition(list, "field.claimedName", claimed, "issuer-claimed-name");
    }
    const trust = trustOf(data);
    if (trust) {
      const by = asText(trust.by);
      const how = (["domain", "list", "registry", "trusted-list"].indexOf(by) >= 0 ? t("by." + by) : by)
        + (asText(trust.source) ? " (" + asText(trust.source) + ")" : "");
      definition(list, "field.issuerTrust", trust.issuer === "confirmed"
        ? t("value.trustConfirmed", {how: how}) : t("value.trustUnconfirmed"), "issuer-trust");
    }
    definition(list, "field.issuerId", asText(issuer.id) || t("notStated"), "issuer-id mono");
    if (asText(issuer.url)) {
      definition(list, "field.issuerUrl", issuer.url, "issuer-url mono");
    }
    const format = t("format." + (report.format || "unknown"));
    const kind = report.kind ? t("kind." + report.kind) : "";
    definition(list, "field.format", kind && kind !== "kind." + report.kind ? format + ", " + kind : format);
    const parse = (report.checks || []).filter(function (c) { return c.id === "parse"; })[0];
    if (parse && parse.status === "passed" && asText(data.input)) {
      definition(list, "field.read", data.input);
    }
    section.appendChild(list);
    return section;
  }

  // An SD-JWT's selective disclosure: the claims the holder disclosed (by their label in the
  // page's language when the credential type names them, else by their JSON pointer) and how
  // many stayed hidden. The hidden claims never reach the page.
  function renderDisclosure(disclosure) {
    const section = el("section", {className: "block", attrs: {"id": "disclosure", "aria-labelledby": "disclosure-title"}}, [
      el("h3", {text: t("disclosureHeading"), attrs: {"id": "disclosure-title"}}),
    ]);
    const items = Array.isArray(disclosure.disclosed) ? disclosure.disclosed : [];
    if (items.length) {
      section.appendChild(el("p", {text: t("disclosedCount", {n: items.length})}));
      const list = el("ul", {className: "disclosed-list", attrs: {"id": "disclosed-list"}});
      items.forEach(function (item) {
        if (!item || typeof item !== "object") {
          return;
        }
        const pointer = asText(item.pointer);
        const labels = item.label && typeof item.label === "object" ? item.label : {};
        const label = asText(labels[language]) || asText(labels.en);
        list.appendChild(el("li", {}, [
          el("span", {text: label || pointer}),
          label ? el("span", {className: "mono pointer", text: " (" + pointer + ")"}) : null,
        ]));
      });
      section.appendChild(list);
    } else {
      section.appendChild(el("p", {text: t("noneDisclosed")}));
    }
    const hidden = typeof disclosure.hidden === "number" && disclosure.hidden > 0 ? disclosure.hidden : 0;
    section.appendChild(el("p", {className: "hidden-count", attrs: {"id": "hidden-count"}}, [
      icon(hidden ? "⊘" : "✓"),
      el("span", {text: hidden ? t("hiddenCount", {n: hidden}) : t("noneHidden")}),
    ]));
    return section;
  }

  function renderAnnex(micro, data) {
    // a name of the awarding body that nothing confirms is marked as the credential's own
    const trust = trustOf(data || {});
    function selfAsserted(value) {
      return trust !== null && !(trust.issuer === "confirmed" && value === asText(trust.name));
    }
    const section = el("section", {className: "block", attrs: {"id": "annex", "aria-labelledby": "annex-title"}}, [
      el("h3", {text: t("annexHeading"), attrs: {"id": "annex-title"}}),
    ]);
    const rows = Array.isArray(micro.elements) ? micro.elements : [];
    const missing = Array.isArray(micro.missing) ? micro.missing : [];
    const mandatoryCount = rows.filter(function (row) { return row.mandatory === true; }).length;
    const summaryText = missing.length
      ? t("annexMissing", {list: missing.map(function (name) { return elementLabel(asText(name)); }).join(", ")})
      : t("annexComplete", {n: mandatoryCount});
    section.appendChild(el("p", {className: missing.length ? "annex-summary incomplete" : "annex-summary"}, [
      icon(missing.length ? "⚠" : "✓"),
      el("span", {text: summaryText}),
    ]));
    const notDisclosed = Array.isArray(micro.notDisclosed) ? micro.notDisclosed : [];
    if (notDisclosed.length) {
      section.appendChild(el("p", {className: "annex-summary not-disclosed"}, [
        icon("⊘"),
        el("span", {text: t("annexNotDisclosed", {list: notDisclosed.map(function (name) { return elementLabel(asText(name)); }).join(", ")})}),
      ]));
    }
    // explicit roles keep the table a table for assistive technology when narrow screens
    // lay its rows out as blocks
    const table = el("table", {className: "annex-table", attrs: {"id": "annex-table", "role": "table"}}, [
      el("caption", {text: t("annexCaption")}),
      el("thead", {attrs: {"role": "rowgroup"}}, [el("tr", {attrs: {"role": "row"}}, [
        el("th", {text: t("col.element"), attrs: {"scope": "col", "role": "columnheader"}}),
        el("th", {text: t("col.value"), attrs: {"scope": "col", "role": "columnheader"}}),
        el("th", {text: t("col.mandatory"), attrs: {"scope": "col", "role": "columnheader"}}),
      ])]),
    ]);
    const body = el("tbody", {attrs: {"role": "rowgroup"}});
    rows.forEach(function (row) {
      const name = asText(row.element);
      const value = rowValue(row);
      const mandatory = row.mandatory === true;
      const isMissing = !value;
      const tr = el("tr", {className: isMissing && mandatory && row.hidden !== true ? "row-missing" : "", attrs: {"data-element": name, "role": "row"}});
      tr.appendChild(el("th", {text: elementLabel(name), attrs: {"scope": "row", "role": "rowheader"}}));
      if (isMissing && row.hidden === true) {
        tr.appendChild(el("td", {className: "value not-disclosed", attrs: {"role": "cell"}}, [icon("⊘"), el("span", {text: t("value.hidden")})]));
      } else if (isMissing && mandatory) {
        tr.appendChild(el("td", {className: "value missing", attrs: {"role": "cell"}}, [icon("⚠"), el("strong", {text: t("value.missing")})]));
      } else if (isMissing) {
        tr.appendChild(el("td", {className: "value not-given", text: t("value.notGiven"), attrs: {"role": "cell"}}));
      } else {
        const cell = el("td", {className: "value", text: value, attrs: {"role": "cell"}});
        if (name === "awarding body" && selfAsserted(value)) {
          cell.appendChild(el("span", {className: "self-asserted", text: " " + t("value.selfAsserted")}));
        }
        tr.appendChild(cell);
      }
      tr.appendChild(el("td", {
        className: mandatory ? "mandatory" : "optional",
        text: t(mandatory ? "mandatory.yes" : "mandatory.no"),
        attrs: {"role": "cell"},
      }));
      body.appendChild(tr);
    });
    table.appendChild(body);
    section.appendChild(el("div", {className: "table-scroll"}, [table]));
    return section;
  }

  function renderOtherChecks(items, warnings) {
    // which credential (null: the report itself) warned about which check
    const warned = {};
    warnings.forEach(function (w) { warned[w.check.id + "@" + w.inside] = true; });
    const others = items.filter(function (item) {
      return item.check.status === "passed" || item.check.status === "skipped";
    });
    const passed = others.filter(function (item) { return item.check.status === "passed"; }).length;
    const section = el("section", {className: "block", attrs: {"id": "all-checks", "aria-labelledby": "all-checks-title"}}, [
      el("h3", {text: t("checksHeading"), attrs: {"id": "all-checks-title"}}),
    ]);
    const box = el("details", {className: "checks"}, [
      el("summary", {text: t("checksSummary", {passed: passed, skipped: others.length - passed})}),
    ]);
    if (!others.length) {
      box.appendChild(el("p", {text: t("noOtherChecks")}));
    }
    const list = el("ul", {className: "check-list"});
    others.forEach(function (item) {
      const check = item.check;
      const name = checkName(check, warned[check.id + "@" + item.inside] === true);
      const where = item.inside !== null ? " (" + t("inCredential", {n: item.inside}) + ")" : "";
      list.appendChild(el("li", {className: "check check-" + check.status, attrs: {"data-check": check.id}}, [
        icon(STATUS_ICONS[check.status]),
        el("span", {className: "check-status", text: t("status." + check.status) + ": "}),
        el("span", {className: "check-name", text: name + where + " "}),
        el("span", {className: "check-message", text: asText(check.message)}),
      ]));
    });
    if (others.length) {
      box.appendChild(list);
    }
    section.appendChild(box);
    return section;
  }

  // ------------------------------------------------------------------ sending

  async function verify(body) {
    if (pending) {
      return;
    }
    pending = true;
    shown = {type: "busy"};
    render();
    document.getElementById("result-section").setAttribute("aria-busy", "true");
    try {
      let response;
      try {
        response = await fetch("/verifier/report", {
          method: "POST",
          body: body,
          headers: {"Content-Type": "application/octet-stream"},
          credentials: "same-origin",
        });
      } catch (error) {
        shown = {type: "problem", message: t("networkError"), detail: String(error && error.message || error)};
        return;
      }
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      if (response.ok && data && typeof data === "object" && data.report) {
        shown = {type: "report", data: data};
      } else {
        const title = data && typeof data.title === "string" ? data.title : "HTTP " + response.status;
        const detail = data && typeof data.detail === "string" ? data.detail : "";
        shown = {
          type: "problem",
          status: response.status,
          message: response.status === 413 ? t("tooLarge") : t("serverError"),
          detail: detail ? title + ": " + detail : title,
        };
      }
    } finally {
      pending = false;
      document.getElementById("result-section").removeAttribute("aria-busy");
      render();
      revealResult();
    }
  }

  function revealResult() {
    const target = document.getElementById("result-section");
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const rect = target.getBoundingClientRect();
    if (rect.top < 0 || rect.top > window.innerHeight * 0.6) {
      target.scrollIntoView({behavior: reduce ? "auto" : "smooth", block: "start"});
    }
  }

  function showInputError(show) {
    const area = document.getElementById("credential-text");
    const error = document.getElementById("credential-error");
    error.hidden = !show;
    error.textContent = show ? t("emptyInput") : "";
    if (show) {
      area.setAttribute("aria-invalid", "true");
      area.focus();
    } else {
      area.removeAttribute("aria-invalid");
    }
  }

  function verifyText() {
    const text = document.getElementById("credential-text").value.trim();
    if (!text) {
      showInputError(true);
      return;
    }
    showInputError(false);
    const bytes = new TextEncoder().encode(text);
    source = {type: "text", size: bytes.length};
    renderSource();
    verify(bytes);
  }

  function verifyFile(file) {
    if (!file) {
      return;
    }
    showInputError(false);
    source = {type: "file", name: file.name, size: file.size};
    renderSource();
    verify(file);
  }

  // ------------------------------------------------------------------- wiring

  function init() {
    const form = document.getElementById("paste-form");
    const area = document.getElementById("credential-text");
    const fileInput = document.getElementById("file-input");
    const zone = document.getElementById("drop-zone");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      verifyText();
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        verifyText();
      }
    });
    area.addEventListener("input", function () {
      if (area.value.trim()) {
        showInputError(false);
      }
    });
    zone.addEventListener("click", function () {
      fileInput.click();
    });
    fileInput.addEventListener("change", function () {
      const file = fileInput.files && fileInput.files[0];
      verifyFile(file);
      fileInput.value = "";
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        if (event.dataTransfer) {
          event.dataTransfer.dropEffect = "copy";
        }
        zone.classList.add("dragging");
      });
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("dragging");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      const transfer = event.dataTransfer;
      if (!transfer) {
        return;
      }
      if (transfer.files && transfer.files.length) {
        verifyFile(transfer.files[0]);
        return;
      }
      const text = transfer.getData("text/plain");
      if (text) {
        area.value = text;
        verifyText();
      }
    });
    // a file dropped next to the zone must not make the browser leave the page
    window.addEventListener("dragover", function (event) { event.preventDefault(); });
    window.addEventListener("drop", function (event) { event.preventDefault(); });

    document.querySelectorAll(".lang-button").forEach(function (button) {
      button.addEventListener("click", function () {
        applyLanguage(button.getAttribute("data-lang"));
      });
    });
    applyLanguage(preferredLanguage());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
