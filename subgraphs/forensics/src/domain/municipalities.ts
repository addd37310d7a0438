/**
 * Kosovo municipalities (Albanian/Serbian names) with the approximate coordinates of
 * their main town. Real places, not people: the seed spreads synthetic cases and
 * grave sites over them, and latitude/longitude keep synthetic sites on the map.
 */
export interface Municipality {
  name: string;
  latitude: number;
  longitude: number;
}

export const MUNICIPALITIES: readonly Municipality[] = [
  { name: 'Prishtinë/Priština', latitude: 42.6629, longitude: 21.1655 },
  { name: 'Prizren', latitude: 42.2139, longitude: 20.7397 },
  { name: 'Pejë/Peć', latitude: 42.6593, longitude: 20.2883 },
  { name: 'Gjakovë/Đakovica', latitude: 42.3803, longitude: 20.4308 },
  { name: 'Mitrovicë/Mitrovica', latitude: 42.8914, longitude: 20.866 },
  { name: 'Ferizaj/Uroševac', latitude: 42.3702, longitude: 21.1483 },
  { name: 'Gjilan/Gnjilane', latitude: 42.4635, longitude: 21.4694 },
  { name: 'Podujevë/Podujevo', latitude: 42.9106, longitude: 21.1933 },
  { name: 'Vushtrri/Vučitrn', latitude: 42.8231, longitude: 20.9675 },
  { name: 'Suharekë/Suva Reka', latitude: 42.3589, longitude: 20.825 },
  { name: 'Rahovec/Orahovac', latitude: 42.3992, longitude: 20.6547 },
  { name: 'Drenas/Glogovac', latitude: 42.6264, longitude: 20.8939 },
  { name: 'Lipjan/Lipljan', latitude: 42.5217, longitude: 21.1258 },
  { name: 'Malishevë/Mališevo', latitude: 42.4822, longitude: 20.7458 },
  { name: 'Kamenicë/Kamenica', latitude: 42.5781, longitude: 21.5803 },
  { name: 'Deçan/Dečani', latitude: 42.5403, longitude: 20.2883 },
  { name: 'Istog/Istok', latitude: 42.7808, longitude: 20.4875 },
  { name: 'Klinë/Klina', latitude: 42.6217, longitude: 20.5778 },
  { name: 'Skenderaj/Srbica', latitude: 42.7469, longitude: 20.7883 },
  { name: 'Dragash/Dragaš', latitude: 42.0614, longitude: 20.6531 },
  { name: 'Kaçanik/Kačanik', latitude: 42.2314, longitude: 21.2597 },
  { name: 'Shtime/Štimlje', latitude: 42.4333, longitude: 21.0397 },
  { name: 'Fushë Kosovë/Kosovo Polje', latitude: 42.6386, longitude: 21.0961 },
  { name: 'Obiliq/Obilić', latitude: 42.6869, longitude: 21.0775 },
  { name: 'Viti/Vitina', latitude: 42.3214, longitude: 21.3583 },
  { name: 'Zubin Potok', latitude: 42.9144, longitude: 20.6897 },
  { name: 'Zveçan/Zvečan', latitude: 42.9075, longitude: 20.8403 },
  { name: 'Leposaviq/Leposavić', latitude: 43.1039, longitude: 20.8028 },
];
